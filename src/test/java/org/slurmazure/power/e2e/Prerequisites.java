package org.slurmazure.power.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slurmazure.power.testing.Cmd;

/**
 * What a real Slurm lab needs on this machine: root, and Debian's {@code slurmctld slurmd slurm-client munge}
 * (installed with apt-get when missing), which also create the {@code slurm} and {@code munge} users. A newer Slurm
 * ({@link #slurm}) needs its root file system, which {@code src/test/e2e/slurm-root} reuses or builds.
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
        String problem = basics();
        if (problem != null) {
            return problem;
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

    /** What every lab needs, whichever Slurm it runs: the real /dev/null, and root. Null when both are there. */
    private static String basics() {
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
        return null;
    }

    /** What {@link #slurm} found: the Slurm to use, or why this version is skipped, or why it cannot run. */
    record Choice(SlurmInstall install, String skip, String problem) {
    }

    /**
     * The Slurm of this series, ready to run: the host's packages for the host's series (installed if missing, as
     * {@link #ensure} does), else the cached root file system of that series, built first when there is none. A
     * skip only when Debian's mirror serves no Slurm of that series at all.
     */
    static Choice slurm(String series, Consumer<String> log) {
        if (!SlurmInstall.SERIES.contains(series)) {
            return new Choice(null, null, "unknown Slurm version " + series + " (known: "
                    + String.join(", ", SlurmInstall.SERIES) + ")");
        }
        if (series.equals(SlurmInstall.SERIES.get(0))) {
            String problem = ensure(log);
            if (problem != null) {
                return new Choice(null, null, problem);
            }
            SlurmInstall host = SlurmInstall.host();
            return host.series().equals(series) ? new Choice(host, null, null)
                    : new Choice(null, null, "the host's Slurm is " + host.packageVersion() + ", not " + series
                            + " (Debian 12 ships 22.05)");
        }
        String problem = basics();
        if (problem != null) {
            return new Choice(null, null, problem);
        }
        Path script = PowerLab.projectDir().resolve("src/test/e2e/slurm-root");
        Path java = hostJava();
        long t0 = System.nanoTime();
        Cmd cmd = Cmd.of(script.toString(), "ensure", series, "--java", java.toString());
        for (String name : List.of("SLURM_AZURE_POWER_ROOTS", "SLURM_AZURE_POWER_MIRROR")) {
            // where .ci/run or the developer keeps the roots, and which mirror builds them
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                cmd.env(name, value);
            }
        }
        Cmd.Result r = cmd.timeout(Duration.ofMinutes(15)).run();
        for (String line : r.err().strip().split("\n")) {
            if (!line.isBlank()) {
                log.accept(line);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : r.out().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (r.exitCode() == 3) {
            return new Choice(null, out.getOrDefault("skip", "the mirror serves no Slurm " + series), null);
        }
        if (!r.ok() || !out.containsKey("root")) {
            return new Choice(null, null, "no root file system with Slurm " + series + ": " + r);
        }
        log.accept(String.format("Slurm %s: root %s (%s, %s in %.1f s)", series, out.get("root"), out.get("slurm"),
                out.get("source"), (System.nanoTime() - t0) / 1e9));
        return new Choice(SlurmInstall.inRoot(series, out.get("slurm"), Path.of(out.get("root")), java,
                out.get("note")), null, null);
    }

    /** The java our programs run on the host (/usr/bin/java's target), else this JVM's. */
    static Path hostJava() {
        Path usrBin = Path.of("/usr/bin/java");
        try {
            if (Files.isExecutable(usrBin)) {
                return usrBin.toRealPath();
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.strip().split("\n");
        return String.join(" / ", List.of(lines).subList(Math.max(0, lines.length - n), lines.length));
    }
}
