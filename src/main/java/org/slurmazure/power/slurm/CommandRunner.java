package org.slurmazure.power.slurm;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program from an argument list (never through a shell) with a time limit, and captures what it prints.
 *
 * <ul>
 *   <li>The program is {@code command.get(0)} and must be a path: there is no PATH search (slurmctld passes no PATH).
 *       A missing, non-regular or non-executable program is reported as {@link ProgramNotFoundException} before
 *       anything is started.</li>
 *   <li>stdin is {@code /dev/null}; stdout and stderr are read concurrently (so neither pipe can fill up and block the
 *       program), each up to {@link #MAX_CAPTURE} bytes, decoded as UTF-8.</li>
 *   <li>The environment is inherited unchanged. slurmctld gives its programs only {@code SLURM_CONF} (and
 *       {@code SLURM_RESUME_FILE}); scontrol needs {@code SLURM_CONF} to find the controller.</li>
 *   <li>The signal mask is inherited too: slurmctld starts its programs with TERM, INT, HUP (and more) blocked, and
 *       that mask passes through the JVM to every child. It does not matter here: the programs run through this class
 *       (scontrol) are short-lived and never need a signal to stop, and on timeout they are killed with SIGKILL
 *       ({@link ProcessHandle#destroyForcibly()}), which cannot be blocked. A long-lived child (a daemon) would need
 *       its mask cleared first.</li>
 *   <li>On timeout the program and all its descendants are killed, and {@link CommandTimeoutException} is thrown.</li>
 * </ul>
 */
public final class CommandRunner {
    /** Bytes kept of each of stdout and stderr; the rest is read and discarded. */
    public static final int MAX_CAPTURE = 8 * 1024 * 1024;

    /** How long to wait for the output pipes to close once the program has exited (a descendant may hold them). */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

    private static final File DEV_NULL = new File("/dev/null");

    /**
     * Runs {@code command} and waits for it, at most {@code timeout}.
     *
     * @throws ProgramNotFoundException the program is missing or cannot be executed
     * @throws CommandTimeoutException  it did not exit in time (it and its descendants were killed)
     * @throws InterruptedIOException   this thread was interrupted (the program was killed; the interrupt flag is set)
     * @throws IOException              it could not be started for another reason
     */
    public CommandResult run(List<String> command, Duration timeout) throws IOException {
        List<String> argv = checkedCommand(command);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        Path program = Path.of(argv.get(0));
        checkRunnable(program);

        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + program + ": " + e.getMessage(), e);
        }
        Capture out = Capture.start(process.getInputStream(), program.getFileName() + "-stdout");
        Capture err = Capture.start(process.getErrorStream(), program.getFileName() + "-stderr");

        boolean exited;
        try {
            exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + program);
        }
        if (!exited) {
            killTree(process);
            awaitQuietly(process);
            err.await(DRAIN_GRACE);
            throw new CommandTimeoutException(argv, timeout, err.text());
        }
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        out.await(DRAIN_GRACE);
        err.await(DRAIN_GRACE);
        return new CommandResult(argv, process.exitValue(), out.text(), err.text(), duration);
    }

    private static List<String> checkedCommand(List<String> command) {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        for (String arg : command) {
            if (arg == null) {
                throw new IllegalArgumentException("null argument in " + command);
            }
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("NUL character in argument: " + arg.replace('\0', '?'));
            }
        }
        if (command.get(0).isEmpty()) {
            throw new IllegalArgumentException("empty program name");
        }
        return List.copyOf(command);
    }

    /** Throws when {@code program} is missing, not a regular file or not executable by this user. */
    public static void checkRunnable(Path program) throws ProgramNotFoundException {
        if (!Files.exists(program)) {
            throw new ProgramNotFoundException(program, ProgramNotFoundException.Problem.MISSING);
        }
        if (!Files.isRegularFile(program)) {
            throw new ProgramNotFoundException(program, ProgramNotFoundException.Problem.NOT_A_FILE);
        }
        if (!Files.isExecutable(program)) {
            throw new ProgramNotFoundException(program, ProgramNotFoundException.Problem.NOT_EXECUTABLE);
        }
    }

    /** SIGKILL to the process and every descendant it has now (children are listed before the parent dies). */
    private static void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        for (ProcessHandle handle : tree) {
            handle.destroyForcibly();
        }
    }

    private static void awaitQuietly(Process process) {
        try {
            process.waitFor(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    /** Reads one pipe to its end on a daemon thread, keeping the first {@link #MAX_CAPTURE} bytes. */
    private static final class Capture implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;

        private Capture(InputStream in, String name) {
            this.in = in;
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        static Capture start(InputStream in, String name) {
            Capture capture = new Capture(in, name);
            capture.thread.start();
            return capture;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (InputStream stream = in) {
                int n;
                while ((n = stream.read(buffer)) >= 0) {
                    synchronized (kept) {
                        int room = MAX_CAPTURE - kept.size();
                        if (room > 0) {
                            kept.write(buffer, 0, Math.min(n, room));
                        }
                    }
                }
            } catch (IOException e) {
                // the pipe was closed under us (process killed): keep what was read
            }
        }

        void await(Duration grace) {
            try {
                thread.join(Math.max(1, grace.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
