/**
 * The Slurm boundary: scontrol through argument lists ({@link SlurmControl}), the resume file, slurmctld's time
 * limits, and the reporter that tells Slurm each node's outcome ({@link SlurmReporter}).
 */
@NullMarked
package org.slurmazure.power.slurm;

import org.jspecify.annotations.NullMarked;
