package org.slurmazure.power.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/** What the harness did and saw, with the seconds since it started: printed and kept in a file (harness.log). */
final class Timeline {
    private final long t0 = System.nanoTime();
    private final Instant start = Instant.now();
    private final String tag;
    private final PrintStream out;
    private volatile Path file;

    Timeline(String tag, PrintStream out) {
        this.tag = tag;
        this.out = out;
    }

    /** From now on, lines are also appended to this file. */
    void file(Path f) {
        this.file = f;
    }

    Instant start() {
        return start;
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Seconds since the start of the timeline at which {@code t} happened. */
    double at(Instant t) {
        return (t.toEpochMilli() - start.toEpochMilli()) / 1000.0;
    }

    synchronized void log(String message) {
        String line = String.format(Locale.ROOT, "[%s %6.1fs] %s", tag, seconds(), message);
        if (out != null) {
            out.println(line);
            out.flush();
        }
        Path f = file;
        if (f != null) {
            try {
                Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                // the printed copy is enough
            }
        }
    }
}
