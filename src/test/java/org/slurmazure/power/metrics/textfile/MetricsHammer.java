package org.slurmazure.power.metrics.textfile;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slurmazure.power.metrics.RunFigures;

/**
 * A process that records many runs into one metrics file: {@code MetricsHammer FILE STATE_DIR COUNT}. Several at once
 * show that the file lock keeps every count across processes ({@link MetricsTextfileTest}).
 */
public final class MetricsHammer {
    private MetricsHammer() {
    }

    public static void main(String[] args) {
        TextfileMetrics metrics = new TextfileMetrics(Path.of(args[0]), Path.of(args[1]));
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < count; i++) {
            metrics.record(MetricsTextfileTest.suspendRun(), null, System.nanoTime() + Duration.ofSeconds(30).toNanos());
        }
        System.out.println("recorded " + count + " at " + Instant.now() + " " + List.of(args));
    }
}
