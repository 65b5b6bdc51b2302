package org.slurmazure.power.emulator;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Power-state changes, one line each ({@code <epochMillis> <vmName> <state>}), appended and flushed to the events
 * file when there is one, and kept in memory (the last 10,000) for tests.
 */
final class EventLog implements Closeable {
    private static final int KEPT = 10_000;
    private final Path file;
    private final BufferedWriter out;
    private final ArrayDeque<String> recent = new ArrayDeque<>();

    EventLog(Path file) {
        this.file = file;
        try {
            if (file != null && file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            this.out = file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the events file " + file, e);
        }
    }

    Path file() {
        return file;
    }

    synchronized void powerState(long epochMillis, String vmName, PowerState state) {
        String line = epochMillis + " " + vmName + " " + state.id();
        if (recent.size() >= KEPT) {
            recent.removeFirst();
        }
        recent.addLast(line);
        if (out != null) {
            try {
                out.write(line);
                out.newLine();
                out.flush();
            } catch (IOException e) {
                // The file is a convenience for harnesses; the emulator keeps serving.
                System.err.println("arm-emulator: cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    synchronized List<String> lines() {
        return new ArrayList<>(recent);
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // nothing left to do at shutdown
            }
        }
    }
}
