package org.slurmazure.power.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slurmazure.power.testing.Cmd;

/**
 * The Slurm a lab runs: the host's packages (Debian 12: 22.05), or a newer Slurm in a root file system that
 * {@code src/test/e2e/slurm-root} builds once per machine with mmdebstrap (24.11 from trixie, 26.05 from sid). For
 * a root, {@link SlurmLab} first sets up a private mount namespace for the lab ({@code e2e/mountns.in}: the
 * read-only root with the lab directory and the host JDK at the same paths as on the host), then starts every daemon
 * and Slurm command in it, chrooted into the root. What slurmctld starts (our programs) runs in there too, and so
 * uses the root's scontrol.
 */
final class SlurmInstall {
    /** The series the matrix knows, oldest first. 22.05 is Debian 12's, the others come from a root. */
    static final List<String> SERIES = List.of("22.05", "24.11", "26.05");

    private final String series;
    private final String packageVersion;
    private final Path root;
    private final Path java;
    private final String note;

    private SlurmInstall(String series, String packageVersion, Path root, Path java, String note) {
        this.series = series;
        this.packageVersion = packageVersion;
        this.root = root;
        this.java = java;
        this.note = note;
    }

    /** The host's packages, whichever version dpkg says slurmctld is. */
    static SlurmInstall host() {
        Cmd.Result r = Cmd.of("dpkg-query", "-W", "-f=${Version}", "slurmctld").run();
        String version = r.ok() ? r.out().strip() : "unknown";
        return new SlurmInstall(seriesOf(version), version, null, null, null);
    }

    /** A root built by slurm-root; {@code java} is the host's java binary that the root's /usr/bin/java names. */
    static SlurmInstall inRoot(String series, String packageVersion, Path root, Path java, String note) {
        return new SlurmInstall(series, packageVersion, root, java, note);
    }

    /** "22.05" of "22.05.8-4+deb12u3". */
    static String seriesOf(String version) {
        String[] p = version.split("[.-]");
        return p.length >= 2 ? p[0] + "." + p[1] : version;
    }

    String series() {
        return series;
    }

    /** The Debian version of slurmctld, e.g. {@code 24.11.5-4+deb13u1}. */
    String packageVersion() {
        return packageVersion;
    }

    boolean inRoot() {
        return root != null;
    }

    Path root() {
        return root;
    }

    /** Why this is not the pinned version, when it is not. */
    Optional<String> note() {
        return Optional.ofNullable(note);
    }

    /** True when this Slurm is {@code series} or newer ("23.11"). */
    boolean atLeast(String other) {
        return number(series) >= number(other);
    }

    private static int number(String series) {
        String[] p = series.split("\\.");
        return Integer.parseInt(p[0]) * 100 + Integer.parseInt(p[1]);
    }

    @Override
    public String toString() {
        return "Slurm " + series + " (" + packageVersion + (root == null ? ", the host's" : ", root " + root) + ")";
    }

    // ------------------------------------------------------------------ users

    /** The uid of a user as the daemons see it: in the root's /etc/passwd (munge's uid there is not the host's). */
    int uid(String user) {
        return id(user, "passwd");
    }

    int gid(String group) {
        return id(group, "group");
    }

    /** The third field (uid, gid) of {@code name}'s line in /etc/passwd or /etc/group. */
    private int id(String name, String db) {
        Path file = root == null ? Path.of("/etc/" + db) : root.resolve("etc/" + db);
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(l -> l.split(":")).filter(f -> f.length > 2 && f[0].equals(name))
                    .mapToInt(f -> Integer.parseInt(f[2])).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + name + " in " + file
                            + " (the Slurm packages create it)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives {@code p} to {@code user} and its group of the same name, by the ids the daemons use. */
    void chown(Path p, String user) throws IOException {
        Files.setAttribute(p, "unix:uid", uid(user));
        Files.setAttribute(p, "unix:gid", gid(user));
    }

    // ------------------------------------------------------------------ entering the root

    /** The text of {@code <lab>/bin/mountns}, which sets up a lab's mount namespace for this root (mountns.in). */
    String mountNamespaceScript(Path labDir) throws IOException {
        List<Path> ro = javaBinds();
        for (Path p : Stream.concat(Stream.of(labDir, root), ro.stream()).toList()) {
            if (p.toString().matches(".*[\\s'\"$`\\\\].*")) {
                throw new IllegalStateException("a path the root needs contains a space or a quote: " + p);
            }
        }
        return SlurmLab.render(SlurmLab.resource("mountns.in"), Map.of("@SERIES@", series, "@ROOT@",
                root.toString(), "@LAB@", labDir.toString(), "@RW_BINDS@", labDir.toString(), "@RO_BINDS@",
                ro.stream().map(Path::toString).collect(Collectors.joining(" "))));
    }

    /**
     * The host JDK's home (the parent of the bin/ holding {@link #java}) and the directories its absolute symlinks
     * point into (Debian's JDK keeps its configuration in /etc/java-17-openjdk and its cacerts in
     * /etc/ssl/certs/java), without directories inside another one of the list.
     */
    List<Path> javaBinds() throws IOException {
        Path home = java.toRealPath().getParent().getParent();
        List<Path> dirs = new ArrayList<>(List.of(home));
        try (Stream<Path> all = Files.walk(home)) {
            for (Path link : all.filter(Files::isSymbolicLink).toList()) {
                Path target = Files.readSymbolicLink(link);
                if (target.isAbsolute() && !target.startsWith(home) && target.getParent() != null
                        && Files.isDirectory(target.getParent())) {
                    dirs.add(target.getParent());
                }
            }
        }
        List<Path> sorted = dirs.stream().distinct().sorted().toList();
        List<Path> top = new ArrayList<>();
        for (Path d : sorted) {
            if (top.stream().noneMatch(d::startsWith)) {
                top.add(d);
            }
        }
        return top;
    }
}
