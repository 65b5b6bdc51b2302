package org.slurmazure.power.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Records every change of the cloud nodes' Slurm state into {@code node-states.log}: time, node, State, NodeAddr,
 * NodeHostName and Reason, one line per change, from {@code scontrol show node -o} every 500 ms. What the versions
 * of the matrix do differently (flags, reasons kept or cleared, addresses) is read there. Changes that last less
 * than a poll can be missed.
 */
final class NodeStateLog implements AutoCloseable {
    private static final Duration EVERY = Duration.ofMillis(500);

    private final SlurmLab lab;
    private final Path file;
    private final Map<String, String> last = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopped;

    NodeStateLog(SlurmLab lab, Path file) {
        this.lab = lab;
        this.file = file;
        this.thread = new Thread(this::loop, "e2e-node-states");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (!stopped) {
            poll();
            try {
                Thread.sleep(EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll() {
        if (!lab.controllerRunning()) {
            return;
        }
        StringBuilder changes = new StringBuilder();
        try {
            for (NodeView n : lab.nodes()) {
                if (n.name().equals("local1")) {
                    continue;
                }
                String now = n.state() + " addr=" + n.addr() + " host=" + n.hostname()
                        + (n.reason().isEmpty() ? "" : " reason=\"" + n.reason() + "\"");
                if (!now.equals(last.put(n.name(), now))) {
                    changes.append(Instant.now()).append(' ').append(n.name()).append(' ').append(now).append('\n');
                }
            }
            if (changes.length() > 0) {
                Files.writeString(file, changes, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } catch (IOException | RuntimeException e) {
            // slurmctld busy or stopping: the next poll tries again
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
