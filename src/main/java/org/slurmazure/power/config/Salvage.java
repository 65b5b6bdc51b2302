package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The parts of a configuration that are valid on their own although the file as a whole is not: with them a power
 * program that cannot run still logs where the admin looks ({@code log.file}) and tells Slurm why
 * ({@code slurm.scontrol}), instead of leaving the nodes to ResumeTimeout.
 *
 * @param logFile  {@code log.file} (or its default) when the {@code log} section has no error
 * @param scontrol {@code slurm.scontrol} (or its default) when the {@code slurm} section has no error
 */
public record Salvage(Optional<Path> logFile, Optional<Path> scontrol) {
    public static final Salvage NONE = new Salvage(Optional.empty(), Optional.empty());
}
