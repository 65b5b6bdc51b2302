package org.slurmazure.power.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * The fallback when power_save.log cannot be written (a log directory SlurmUser cannot write): every event goes to
 * syslog through one {@code logger} process (util-linux), one line per event with its priority
 * ({@code --prio-prefix}, facility daemon), tag {@code slurm-azure-power}. Under slurmctld stderr is closed or read
 * by nobody, so without this such a run would leave no trace at all.
 */
final class SyslogAppender extends AppenderBase<ILoggingEvent> {
    static final Path LOGGER = Path.of("/usr/bin/logger");
    private static final int DAEMON = 3 << 3;

    private Process process;
    private OutputStream in;

    /** True when {@code logger} can be run here. */
    static boolean available() {
        return Files.isExecutable(LOGGER);
    }

    @Override
    public void start() {
        try {
            process = new ProcessBuilder(List.of(
                            LOGGER.toString(),
                            "--prio-prefix",
                            "-t",
                            "slurm-azure-power[" + ProcessHandle.current().pid() + "]"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            in = process.getOutputStream();
            super.start();
        } catch (IOException e) {
            addError("cannot start " + LOGGER, e);
        }
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        String line = "<" + (DAEMON + severity(event.getLevel())) + ">" + PowerLogLayout.message(event) + "\n";
        try {
            in.write(line.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            addError("logger stopped", e);
        }
    }

    @Override
    public void stop() {
        if (in != null) {
            try {
                in.close();
                process.waitFor(1, TimeUnit.SECONDS);
            } catch (IOException ignored) {
                // logger is gone: nothing more to send
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        super.stop();
    }

    private static int severity(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }
}
