package org.slurmazure.power.doctor;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What slurm.conf names as one of the three power-saving programs, and what is at that path.
 *
 * @param key          {@code ResumeProgram}, {@code SuspendProgram} or {@code ResumeFailProgram}
 * @param configured   the path as {@code scontrol show config} prints it, "" when unset
 * @param realPath     the file it leads to, symbolic links resolved; null when there is none
 * @param problem      why there is no file there ({@code no such file}, {@code not an absolute path}), or null
 * @param ours         the candidates that are this tool's program for that key, symbolic links resolved:
 *                     {@code /usr/libexec/slurm-azure-power/resume} and a checkout's {@code bin/slurm-azure-resume},
 *                     those that exist
 * @param regularFile  it is a regular file
 * @param executable   whether SlurmUser may run it (and reach it through its directories)
 * @param writable     it is writable by group or others (slurmctld refuses to run it then)
 * @param openDirectories its directories (from the file up to /) that group or others may write without the sticky
 *                     bit: anyone who may write there may replace the program
 */
public record ProgramFile(
        String key,
        String configured,
        @Nullable String realPath,
        @Nullable String problem,
        List<String> ours,
        boolean regularFile,
        Access executable,
        boolean writable,
        List<String> openDirectories) {

    /** Whether SlurmUser may do something, as far as can be told. */
    public enum Access {
        YES,
        NO,
        /** Depends on SlurmUser's groups, which were not looked up. */
        UNKNOWN
    }

    public ProgramFile {
        ours = List.copyOf(ours);
        openDirectories = List.copyOf(openDirectories);
    }

    /** The program's name in the package: {@code resume}, {@code suspend}, {@code resume-fail}. */
    public static String programName(String key) {
        return switch (key) {
            case "ResumeProgram" -> "resume";
            case "SuspendProgram" -> "suspend";
            case "ResumeFailProgram" -> "resume-fail";
            default -> throw new IllegalArgumentException(key);
        };
    }

    /** The three keys, in the order they are checked. */
    public static final List<String> KEYS = List.of("ResumeProgram", "SuspendProgram", "ResumeFailProgram");
}
