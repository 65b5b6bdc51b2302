package org.slurmazure.power.packaging;

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
 * One external command of the packaging test: an argument list (never a shell string), an explicit environment
 * (PATH and LANG unless told otherwise, nothing inherited), stdin from /dev/null, a time limit, and stdout/stderr
 * captured through files.
 */
final class Sh {
    /** Exit code (-1 when killed at the time limit), stdout and stderr of a finished command. */
    record Result(List<String> argv, int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the whole story unless the exit code is 0. */
        Result check() {
            if (exitCode != 0) {
                throw new AssertionError(this.toString());
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

    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final List<String> argv;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(60);

    private Sh(List<String> argv) {
        this.argv = List.copyOf(argv);
        env.put("PATH", PATH);
        env.put("LANG", "C.UTF-8");
    }

    static Sh of(String... argv) {
        return new Sh(List.of(argv));
    }

    static Sh of(List<String> argv) {
        return new Sh(argv);
    }

    Sh env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Sh timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    Result run() {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("packaging-it-", ".out");
            err = Files.createTempFile("packaging-it-", ".err");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(new File("/dev/null"))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            int code;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                code = p.exitValue();
            } else {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                code = -1;
            }
            return new Result(argv, code, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8) + (code == -1 ? "\n(killed after " + timeout + ")" : ""));
        } catch (IOException e) {
            return new Result(argv, 127, "", "cannot run: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(argv, -1, "", "interrupted");
        } finally {
            for (Path f : new Path[] {out, err}) {
                if (f != null) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException e) {
                        // a leftover temp file is harmless
                    }
                }
            }
        }
    }

    /** argv with {@code prefix} in front. */
    static List<String> prefixed(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all;
    }
}
