package org.slurmazure.power.reconcile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Since when each node has had its current disagreement, kept in the state directory between passes (the passes are
 * separate processes): {@code <stateDir>/reconcile-seen.tsv}, one line per node, {@code node TAB verdict TAB epoch
 * millis}. A pass acts on a node only once its verdict has lasted the grace. Written whole, then renamed.
 */
public final class Memory {
    static final String FILE = "reconcile-seen.tsv";

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

    /** Forgets nodes not seen in this pass (no longer in a node group). */
    public void retain(java.util.Set<String> nodes) {
        seen.keySet().retainAll(nodes);
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
