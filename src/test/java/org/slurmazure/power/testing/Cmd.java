package org.slurmazure.power.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external command of a test: an argument list (never a shell string), an explicit environment (nothing inherited but
 * what is set here) and a time limit. Output is captured through files, so a command that leaves a daemon behind
 * holding its stdout cannot make the caller wait.
 */
public final class Cmd {
    /** What a finished command left: exit code (-1 when killed at the time limit), stdout and stderr. */
    public record Result(List<String> argv, int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the whole story unless the exit code is 0. */
        public Result check() {
            if (exitCode != 0) {
                throw new IllegalStateException(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", argv) + " -> exit " + exitCode
                    + (out.isBlank() ? "" : "\n  stdout: " + out.strip().replace("\n", "\n          "))
                    + (err.isBlank() ? "" : "\n  stderr: " + err.strip().replace("\n", "\n          "));
        }
    }

    /** The PATH of every command the harness starts (slurmctld's programs get none at all). */
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final List<String> argv;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(60);
    private Path dir;

    private Cmd(List<String> argv) {
        this.argv = List.copyOf(argv);
        env.put("PATH", PATH);
        env.put("LANG", "C.UTF-8");
    }

    public static Cmd of(String... argv) {
        return new Cmd(List.of(argv));
    }

    public static Cmd of(List<String> argv) {
        return new Cmd(argv);
    }

    public Cmd env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Cmd env(Map<String, String> more) {
        env.putAll(more);
        return this;
    }

    public Cmd timeout(Duration d) {
        this.timeout = d;
        return this;
    }

    public Cmd dir(Path workingDir) {
        this.dir = workingDir;
        return this;
    }

    /** A ProcessBuilder with this argv, environment and directory (for daemons the caller keeps running). */
    public ProcessBuilder builder() {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb;
    }

    /** Runs to the end (or the time limit, then kills it and its descendants) and returns what it printed. */
    public Result run() {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("e2e-cmd", ".out");
            err = Files.createTempFile("e2e-cmd", ".err");
            Process p = builder().redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int rc;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                rc = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                rc = -1;
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (rc == -1) {
                stderr += "\n(killed after " + timeout.toSeconds() + " s)";
            }
            return new Result(argv, rc, Files.readString(out, StandardCharsets.UTF_8), stderr);
        } catch (IOException e) {
            return new Result(argv, 127, "", "cannot run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }

    /** {@code argv} with more arguments appended. */
    public static List<String> concat(List<String> argv, String... more) {
        List<String> all = new ArrayList<>(argv);
        all.addAll(List.of(more));
        return all;
    }
}
