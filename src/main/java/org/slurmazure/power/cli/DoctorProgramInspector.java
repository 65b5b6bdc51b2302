package org.slurmazure.power.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slurmazure.power.doctor.ProgramFile;
import org.slurmazure.power.doctor.SlurmView;

/**
 * The files slurm.conf names as the three programs, on disk: where they lead, whether SlurmUser may run them, who may
 * replace them, and whether they are this tool's. Read only.
 */
final class DoctorProgramInspector {
    /** Where the packages install the programs. */
    static final Path PACKAGED = Path.of("/usr/libexec/slurm-azure-power");

    private DoctorProgramInspector() {}

    /** The three programs slurm.conf names, looked at as {@code slurmUser} would run them. */
    static List<ProgramFile> programs(SlurmView slurm, String slurmUser, String runningUser) {
        List<ProgramFile> out = new ArrayList<>();
        for (String key : ProgramFile.KEYS) {
            out.add(program(key, slurm.get(key), ours(ProgramFile.programName(key)), slurmUser, runningUser));
        }
        return out;
    }

    /** This tool's program of that name: the packaged one, and a checkout's wrapper; those that exist, resolved. */
    static List<String> ours(String name) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(PACKAGED.resolve(name));
        Path code = codeLocation();
        for (Path dir = code; dir != null && candidates.size() < 2; dir = dir.getParent()) {
            Path wrapper = dir.resolve("bin").resolve("slurm-azure-" + name);
            if (Files.isRegularFile(wrapper)) {
                candidates.add(wrapper);
            }
            if (code != null && code.getNameCount() - dir.getNameCount() >= 3) {
                break;
            }
        }
        List<String> out = new ArrayList<>();
        for (Path p : candidates) {
            try {
                String real = p.toRealPath().toString();
                if (!out.contains(real)) {
                    out.add(real);
                }
            } catch (IOException e) {
                // not installed this way
            }
        }
        return out;
    }

    /** The jar (or classes directory) this program runs from. */
    private static Path codeLocation() {
        try {
            return Path.of(DoctorProgramInspector.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static ProgramFile program(String key, String configured, List<String> ours, String slurmUser, String runningUser) {
        if (configured == null || configured.isBlank()) {
            return noProgram(key, "", null, null, ours);
        }
        Path path = Path.of(configured.strip());
        if (!path.isAbsolute()) {
            return noProgram(key, configured, null, "not an absolute path", ours);
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            return noProgram(
                    key,
                    configured,
                    null,
                    Files.isSymbolicLink(path) ? "a symbolic link to nothing" : "no such file",
                    ours);
        }
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(real, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            return noProgram(key, configured, real.toString(), "cannot be inspected: " + e.getMessage(), ours);
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        boolean writable =
                perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE);
        ProgramFile.Access executable;
        if (slurmUser.equals(runningUser)) {
            executable = Files.isExecutable(real) ? ProgramFile.Access.YES : ProgramFile.Access.NO;
        } else {
            executable = access(attrs, slurmUser);
            for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
                try {
                    executable =
                            worse(executable, access(Files.readAttributes(dir, PosixFileAttributes.class), slurmUser));
                } catch (IOException | UnsupportedOperationException e) {
                    executable = worse(executable, ProgramFile.Access.UNKNOWN);
                }
            }
        }
        return new ProgramFile(
                key,
                configured,
                real.toString(),
                null,
                ours,
                attrs.isRegularFile(),
                executable,
                writable,
                openDirectories(real));
    }

    /** A program that cannot be run: unset, or no file that can be inspected at its path ({@code problem} says why). */
    private static ProgramFile noProgram(
            String key, String configured, String realPath, String problem, List<String> ours) {
        return new ProgramFile(
                key, configured, realPath, problem, ours, false, ProgramFile.Access.NO, false, List.of());
    }

    /** Whether {@code user} may execute (search) it by its mode bits; group membership is not looked up. */
    private static ProgramFile.Access access(PosixFileAttributes attrs, String user) {
        Set<PosixFilePermission> p = attrs.permissions();
        boolean owner = p.contains(PosixFilePermission.OWNER_EXECUTE);
        boolean group = p.contains(PosixFilePermission.GROUP_EXECUTE);
        boolean others = p.contains(PosixFilePermission.OTHERS_EXECUTE);
        if (user.equals("root")) {
            return owner || group || others || attrs.isDirectory() ? ProgramFile.Access.YES : ProgramFile.Access.NO;
        }
        if (attrs.owner().getName().equals(user)) {
            return owner ? ProgramFile.Access.YES : ProgramFile.Access.NO;
        }
        if (others) {
            return ProgramFile.Access.YES;
        }
        return group ? ProgramFile.Access.UNKNOWN : ProgramFile.Access.NO;
    }

    private static ProgramFile.Access worse(ProgramFile.Access a, ProgramFile.Access b) {
        if (a == ProgramFile.Access.NO || b == ProgramFile.Access.NO) {
            return ProgramFile.Access.NO;
        }
        return a == ProgramFile.Access.UNKNOWN || b == ProgramFile.Access.UNKNOWN
                ? ProgramFile.Access.UNKNOWN
                : ProgramFile.Access.YES;
    }

    /** The file's directories, up to /, that group or others may write and that lack the sticky bit. */
    private static List<String> openDirectories(Path real) {
        List<String> open = new ArrayList<>();
        for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
            try {
                int mode = (Integer) Files.getAttribute(dir, "unix:mode");
                if ((mode & 0022) != 0 && (mode & 01000) == 0) {
                    open.add(dir.toString());
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                // not a Unix file system: nothing to say
            }
        }
        return open;
    }
}
