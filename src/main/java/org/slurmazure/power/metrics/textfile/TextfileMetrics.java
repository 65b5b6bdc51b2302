package org.slurmazure.power.metrics.textfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.metrics.Exposition;
import org.slurmazure.power.metrics.FleetFigures;
import org.slurmazure.power.metrics.MetricsSink;
import org.slurmazure.power.metrics.MetricsState;
import org.slurmazure.power.metrics.RunFigures;

/**
 * The metrics on disk. The counts live in {@code <stateDir>/metrics.state}, in the exposition format; each run takes
 * {@code <stateDir>/metrics.lock} (several programs run at once), reads the state, adds its figures, and replaces the
 * state and then the textfile, each through a temporary file in the same directory and a rename, so that neither
 * node_exporter nor the next run ever reads half a file. Both are replaced under the lock: otherwise two programs
 * would race on the textfile's one temporary name, and an older count could replace a newer one (a counter that goes
 * down reads as a reset). The textfile gets mode 0644. A failure is one warning in power_save.log, never an error of
 * the run.
 */
public final class TextfileMetrics implements MetricsSink {
    private static final Logger LOG = LoggerFactory.getLogger(TextfileMetrics.class);

    static final String STATE = "metrics.state";
    static final String LOCK = "metrics.lock";
    /** The longest wait for the lock: a run holds it for milliseconds. */
    static final Duration MAX_WAIT = Duration.ofSeconds(5);

    private static final Set<PosixFilePermission> TEXTFILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> STATE_MODE = PosixFilePermissions.fromString("rw-------");

    /**
     * Serializes the updates of one process: a file lock belongs to the whole process, so two threads of one JVM
     * (tests run programs in parallel in one) would both hold it.
     */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path file;
    private final Path stateDir;

    /**
     * @param file     the textfile ({@code metrics.file})
     * @param stateDir where the counts are kept ({@code stateDir})
     */
    public TextfileMetrics(Path file, Path stateDir) {
        this.file = file;
        this.stateDir = stateDir;
    }

    @Override
    public void record(RunFigures run, @Nullable FleetFigures fleet, long deadlineNanos) {
        try {
            update(run, fleet, deadlineNanos);
        } catch (StateNotSaved e) {
            LOG.warn(
                    "metrics: cannot update {}: {}; this {} is not counted",
                    stateDir.resolve(STATE),
                    String.valueOf(e.getMessage()),
                    what(run));
        } catch (TextfileNotWritten e) {
            LOG.warn(
                    "metrics: cannot write {}: {}; the counts are kept in {} for the next run",
                    file,
                    describe(e.failure),
                    stateDir.resolve(STATE));
        } catch (RuntimeException e) {
            LOG.warn(
                    "metrics: cannot write {}: {}; the counts are kept in {} for the next run",
                    file,
                    describe(e),
                    stateDir.resolve(STATE));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("metrics: interrupted; this {} is not counted", what(run));
        }
    }

    /** The counts could not be read, updated or stored: the run is not counted. */
    private static final class StateNotSaved extends Exception {
        private static final long serialVersionUID = 1L;

        StateNotSaved(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    /** The counts were stored, the textfile was not: the next run writes it. */
    private static final class TextfileNotWritten extends Exception {
        private static final long serialVersionUID = 1L;

        final Exception failure;

        TextfileNotWritten(Exception failure) {
            super(failure);
            this.failure = failure;
        }
    }

    private void update(RunFigures run, @Nullable FleetFigures fleet, long deadlineNanos)
            throws StateNotSaved, TextfileNotWritten, InterruptedException {
        long maxEnd = System.nanoTime() + MAX_WAIT.toNanos();
        long end = deadlineNanos - maxEnd < 0 ? deadlineNanos : maxEnd;
        if (!IN_PROCESS.tryLock(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new StateNotSaved("another run of this process held it until the deadline", null);
        }
        try {
            updateFiles(run, fleet, end);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    /** Under the file lock: reads the counts, adds the run, stores them, then writes them to the textfile. */
    private void updateFiles(RunFigures run, @Nullable FleetFigures fleet, long end)
            throws StateNotSaved, TextfileNotWritten, InterruptedException {
        Path lockFile = stateDir.resolve(LOCK);
        Path stateFile = stateDir.resolve(STATE);
        try {
            Files.createDirectories(stateDir);
            boolean existed = Files.exists(lockFile);
            try (FileChannel channel =
                    FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                if (!existed) {
                    giveToOwnerOfDirectory(lockFile);
                }
                FileLock lock = acquire(channel, end);
                try {
                    MetricsState state = MetricsState.initial();
                    if (Files.exists(stateFile)) {
                        Exposition.Parsed parsed =
                                Exposition.parse(Files.readString(stateFile, StandardCharsets.UTF_8));
                        state = parsed.state();
                        List<String> problems = parsed.problems();
                        if (!problems.isEmpty()) {
                            LOG.warn(
                                    "metrics: {} part(s) of {} not understood, their counts start again from zero"
                                            + " (first: {})",
                                    problems.size(),
                                    stateFile,
                                    problems.get(0));
                        }
                    }
                    state.apply(run);
                    if (fleet != null) {
                        state.apply(fleet);
                    }
                    String text = state.render();
                    writeAtomically(stateFile, text, STATE_MODE, true);
                    try {
                        writeAtomically(file, text, TEXTFILE_MODE, false);
                    } catch (IOException | RuntimeException e) {
                        throw new TextfileNotWritten(e);
                    }
                } finally {
                    lock.release();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new StateNotSaved(describe(e), e);
        }
    }

    /** Takes the file lock, waiting in short naps until {@code end}. */
    private static FileLock acquire(FileChannel channel, long end) throws IOException, InterruptedException {
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - end >= 0) {
                throw new IOException("another program held " + LOCK + " until the deadline");
            }
            Thread.sleep(5);
        }
    }

    /**
     * Replaces {@code target} through {@code <target>.tmp} in the same directory (not {@code *.prom}: node_exporter
     * never reads it) and a rename, with exactly {@code mode} whatever the umask.
     */
    private static void writeAtomically(Path target, String text, Set<PosixFilePermission> mode, boolean sync)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such directory");
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // left by a run that was killed, maybe as another user
        boolean existed = Files.exists(target);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            if (sync) {
                out.force(true);
            }
        }
        Files.setPosixFilePermissions(tmp, mode);
        if (!existed) {
            giveToOwnerOfDirectory(tmp);
        } else {
            keepOwner(tmp, target);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** When root (an admin's hand run) makes a file, it goes to the owner of its directory, as NodeLocks does. */
    private static void giveToOwnerOfDirectory(Path path) {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            chownAsRoot(path, dir);
        }
    }

    /** When root replaces a file, the new one keeps the old one's owner. */
    private static void keepOwner(Path tmp, Path target) {
        chownAsRoot(tmp, target);
    }

    private static void chownAsRoot(Path path, Path ownerOf) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        try {
            UserPrincipal owner = Files.getOwner(ownerOf);
            if (!owner.equals(Files.getOwner(path))) {
                Files.setOwner(path, owner);
            }
        } catch (IOException e) {
            // best effort: the next run as SlurmUser names the file in its warning
        }
    }

    private static String what(RunFigures run) {
        return MetricsState.RECONCILE.equals(run.program()) ? "reconcile pass" : run.program() + " run";
    }

    /** One line for the log: what failed, on which file. */
    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + ": " + (n.getReason() != null ? n.getReason() : "no such file or directory");
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : e.toString();
    }
}
