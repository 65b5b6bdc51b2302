package org.slurmazure.power.slurm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The recording scontrol of {@code src/test/resources/slurm/fake-scontrol.sh}, installed in a test's directory. It
 * records every call's arguments exactly and can be told to fail or hang.
 */
public final class FakeScontrol {
    private final Path dir;
    private final Path program;

    private FakeScontrol(Path dir) {
        this.dir = dir;
        this.program = dir.resolve("scontrol");
    }

    public static FakeScontrol install(Path dir) throws IOException {
        FakeScontrol fake = new FakeScontrol(dir);
        try (InputStream in = FakeScontrol.class.getResourceAsStream("/slurm/fake-scontrol.sh")) {
            if (in == null) {
                throw new IOException("test resource /slurm/fake-scontrol.sh is missing");
            }
            Files.copy(in, fake.program);
        }
        Files.setPosixFilePermissions(fake.program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fake;
    }

    public Path path() {
        return program;
    }

    /** Every call whose arguments contain {@code substring} prints {@code stderrLine} and exits with {@code exit}. */
    public FakeScontrol failWhen(String substring, int exit, String stderrLine) throws IOException {
        Files.writeString(dir.resolve("rules"), substring + "\t" + exit + "\t" + stderrLine + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return this;
    }

    /** Every update call takes this long (a slow slurmctld). */
    public FakeScontrol delay(double seconds) throws IOException {
        Files.writeString(dir.resolve("delay"), Double.toString(seconds));
        return this;
    }

    /** What {@code scontrol show config} prints (e.g. the timeouts of a slurm.conf). */
    public FakeScontrol showConfig(String text) throws IOException {
        Files.writeString(dir.resolve("show-config"), text);
        return this;
    }

    /** What {@code scontrol show partition --oneliner} prints: one line per partition. */
    public FakeScontrol showPartitions(String... lines) throws IOException {
        Files.writeString(dir.resolve("show-partition"), String.join("\n", lines) + "\n");
        return this;
    }

    /** What {@code scontrol show node --oneliner ...} prints: one line per node. */
    public FakeScontrol showNodes(String... lines) throws IOException {
        Files.writeString(dir.resolve("show-node"), String.join("\n", lines) + "\n");
        return this;
    }

    /** The read-only calls so far ({@code show config}, {@code show partition ...}). */
    public List<List<String>> reads() throws IOException {
        return parse(dir.resolve("scontrol.reads"));
    }

    /** Every call hangs (until killed). */
    public FakeScontrol hang() throws IOException {
        Files.writeString(dir.resolve("hang"), "");
        return this;
    }

    /** The pid of the child a hanging call started, or -1. */
    long hangingChildPid() throws IOException {
        Path pid = dir.resolve("hang.pid");
        return Files.exists(pid) ? Long.parseLong(Files.readString(pid).strip()) : -1;
    }

    /** The arguments of each call so far (without the program name), in call order. */
    public List<List<String>> calls() throws IOException {
        return parse(dir.resolve("scontrol.calls"));
    }

    private static List<List<String>> parse(Path log) throws IOException {
        List<List<String>> calls = new ArrayList<>();
        if (!Files.exists(log)) {
            return calls;
        }
        String[] fields = Files.readString(log, StandardCharsets.UTF_8).split("\0", -1);
        int i = 0;
        while (i < fields.length - 1) {
            int argc = Integer.parseInt(fields[i++]);
            calls.add(List.of(fields).subList(i, i + argc));
            i += argc;
        }
        return calls;
    }
}
