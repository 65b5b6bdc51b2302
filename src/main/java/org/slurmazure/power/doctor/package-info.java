/**
 * {@code slurm-azure-power doctor}, the pure part: the rules that turn what was observed of slurmctld
 * ({@link SlurmView}, {@link ProgramFile}), of Azure ({@link AzureFacts}) and of the network ({@link NetworkFacts})
 * into one {@link Check} per line, PASS, WARN or FAIL with what to do ({@link SlurmChecks}, {@link AzureChecks},
 * {@link NetworkChecks}), and the report they make ({@link DoctorReport}). No I/O: the command layer gathers the
 * observations.
 */
@NullMarked
package org.slurmazure.power.doctor;

import org.jspecify.annotations.NullMarked;
