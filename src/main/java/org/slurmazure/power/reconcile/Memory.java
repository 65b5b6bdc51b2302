package org.slurmazure.power.reconcile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Since when each node has had its current disagreement, kept in the state directory between passes (the passes are
 * separate processes): {@code <stateDir>/reconcile-seen.tsv}, one line per node, {@code node TAB verdict TAB epoch
 * millis}. A pass acts on a node only once its verdict has lasted the grace. Written whole, then renamed.
 */
public final class Memory {
    static final String FILE = "reconcile-seen.tsv";
    static final String LOCK = "reconcile-seen.lock";
    private static final Object IN_PROCESS = new Object();

    /** A verdict and when it was first seen. */
    public record Seen(Verdict verdict, Instant since) {}

    private final Path file;
    private final Map<String, Seen> seen = new TreeMap<>();

    private Memory(Path file) {
        this.file = file;
    }

    /** The memory of {@code stateDir}; empty when there is none yet or it cannot be read. */
    public static Memory load(Path stateDir) {
        Memory m = new Memory(stateDir.resolve(FILE));
        try {
            for (String line : Files.readAllLines(m.file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f.length == 3) {
                    try {
                        m.seen.put(f[0], new Seen(Verdict.valueOf(f[1]), Instant.ofEpochMilli(Long.parseLong(f[2]))));
                    } catch (IllegalArgumentException malformed) {
                        // a line from another version: forgotten
                    }
                }
            }
        } catch (NoSuchFileException first) {
            // no pass yet
        } catch (IOException e) {
            // unreadable: every disagreement starts its grace again
        }
        return m;
    }

    /** Records this pass's verdict and returns since when the node has had it. An agreeing node is forgotten. */
    public Instant observe(String node, Verdict verdict, Instant now) {
        if (verdict == Verdict.OK) {
            seen.remove(node);
            return now;
        }
        Seen before = seen.get(node);
        if (before != null && before.verdict() == verdict) {
            return before.since();
        }
        seen.put(node, new Seen(verdict, now));
        return now;
    }

    /** Since when the node has had {@code verdict}, as last recorded, or null. */
    public @Nullable Instant since(String node, Verdict verdict) {
        Seen s = seen.get(node);
        return s != null && s.verdict() == verdict ? s.since() : null;
    }

    /**
     * Forgets the nodes of this pass's scope that it did not see (no longer in a node group); a pass over some nodes
     * only ({@code scope} not null) leaves the others' records alone.
     */
    public void forgetUnseen(Set<String> seenByPass, @Nullable Set<String> scope) {
        seen.keySet().removeIf(n -> !seenByPass.contains(n) && (scope == null || scope.contains(n)));
    }

    /**
     * Runs {@code work} holding {@code <stateDir>/reconcile-seen.lock}: two passes at once (the timer's and an
     * admin's) do not lose each other's records.
     */
    public static <T> T locked(Path stateDir, LockedWork<T> work) throws IOException, InterruptedException {
        // a file lock is the process's: threads of one process take turns here first
        synchronized (IN_PROCESS) {
            return lockedFile(stateDir, work);
        }
    }

    private static <T> T lockedFile(Path stateDir, LockedWork<T> work) throws IOException, InterruptedException {
        try (FileChannel ch =
                FileChannel.open(stateDir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = ch.lock();
            try {
                return work.run();
            } finally {
                lock.release();
            }
        }
    }

    /** Work done under the memory's lock. */
    public interface LockedWork<T> {
        T run() throws IOException, InterruptedException;
    }

    public void save() throws IOException {
        StringBuilder sb = new StringBuilder();
        seen.forEach((node, s) -> sb.append(node)
                .append('\t')
                .append(s.verdict().name())
                .append('\t')
                .append(s.since().toEpochMilli())
                .append('\n'));
        Path tmp = file.resolveSibling(FILE + "." + ProcessHandle.current().pid());
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
