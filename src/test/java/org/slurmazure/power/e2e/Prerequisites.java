package org.slurmazure.power.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slurmazure.power.testing.Cmd;

/**
 * What a real Slurm lab needs on this machine: root, and Debian's {@code slurmctld slurmd slurm-client munge}
 * (installed with apt-get when missing), which also create the {@code slurm} and {@code munge} users.
 */
final class Prerequisites {
    static final List<String> PACKAGES = List.of("slurmctld", "slurmd", "slurm-client", "munge");
    static final List<String> PROGRAMS = List.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/scontrol",
            "/usr/bin/sbatch", "/usr/bin/scancel", "/usr/bin/squeue", "/usr/sbin/munged", "/usr/bin/setpriv");

    private Prerequisites() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || Cmd.of("id", "-u").run().out().strip().equals("0");
    }

    /** Debian packages of {@link #PACKAGES} that are not installed. */
    static List<String> missingPackages() {
        List<String> missing = new ArrayList<>();
        for (String p : PACKAGES) {
            Cmd.Result r = Cmd.of("dpkg-query", "-W", "-f=${Status}", p).run();
            if (!r.ok() || !r.out().contains("ok installed")) {
                missing.add(p);
            }
        }
        return missing;
    }

    /**
     * Makes sure everything is there, installing the packages with apt-get if needed. Returns null when the lab can
     * run, else one sentence saying why not.
     */
    static String ensure(Consumer<String> log) {
        Path devNull = Path.of("/dev/null");
        if (!Files.exists(devNull) || Files.isRegularFile(devNull) || !Files.isWritable(devNull)) {
            return "/dev/null is not the null device (something replaced or removed it; slurmctld cannot run "
                    + "programs then): as root, run 'rm -f /dev/null; mknod -m 666 /dev/null c 1 3'";
        }
        if (!isRoot()) {
            return "it must run as root (it starts munged, slurmctld and slurmd, and installs "
                    + String.join(" ", PACKAGES) + " with apt-get when they are missing); you are "
                    + System.getProperty("user.name");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get")) && !Files.isExecutable(Path.of("/usr/bin/dpkg-query"))) {
            return "it needs a Debian-like system with apt-get to install " + String.join(" ", PACKAGES);
        }
        List<String> missing = missingPackages();
        if (!missing.isEmpty()) {
            long t0 = System.nanoTime();
            log.accept("installing " + String.join(" ", missing) + " with apt-get");
            Cmd.Result update = Cmd.of("apt-get", "update", "-qq").timeout(Duration.ofMinutes(3)).run();
            List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq",
                    "--no-install-recommends"));
            install.addAll(missing);
            Cmd.Result r = Cmd.of(install).env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(5))
                    .run();
            if (!r.ok()) {
                return "apt-get could not install " + String.join(" ", missing) + ": " + lastLines(r.err(), 3)
                        + (update.ok() ? "" : " (apt-get update failed too: " + lastLines(update.err(), 2) + ")");
            }
            log.accept(String.format("installed in %.1f s", (System.nanoTime() - t0) / 1e9));
        }
        for (String p : PROGRAMS) {
            if (!Files.isExecutable(Path.of(p))) {
                return p + " is missing after installing " + String.join(" ", PACKAGES);
            }
        }
        for (String user : List.of("slurm", "munge")) {
            if (!Cmd.of("id", "-u", user).run().ok()) {
                return "the user " + user + " does not exist (the Debian packages create it)";
            }
        }
        return null;
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.strip().split("\n");
        return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - n), lines.length));
    }
}
