package org.slurmazure.power.log;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;

/**
 * Sets up power_save.log in code (no logback.xml to find and parse on every start). Several programs append to
 * the file at once: the appender is prudent (each event is written under a file lock, in one piece). Every event is
 * one line with secrets masked ({@link PowerLogLayout}). The Azure SDK and MSAL log nothing at INFO (the programs
 * log each failure once, with its cause) and one line per event at DEBUG. A file that cannot be written makes the
 * programs log to syslog instead ({@link SyslogAppender}), and to stderr.
 */
public final class PowerLog {
    private PowerLog() {}

    /**
     * Sends logging to {@code file}; with {@code alsoStderr} (an admin at a terminal, --verbose) to stderr too.
     * When the file cannot be written, logging goes to syslog and stderr, and {@code err} gets one line saying so.
     * Returns whether the file is used.
     */
    public static boolean open(Path file, boolean debug, boolean alsoStderr, PrintWriter err) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        String pid = Long.toString(ProcessHandle.current().pid());
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(debug ? Level.DEBUG : Level.INFO);
        Level sdk = debug ? Level.WARN : Level.OFF;
        ctx.getLogger("com.azure").setLevel(sdk);
        ctx.getLogger("com.microsoft.aad.msal4j").setLevel(sdk);
        ctx.getLogger("reactor").setLevel(sdk);
        // The JDK transport warns on every request that Content-Length is a restricted header.
        ctx.getLogger("com.azure.core.http.jdk.httpclient").setLevel(Level.OFF);

        boolean existed = Files.exists(file);
        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(ctx);
        fileAppender.setName("power_save");
        fileAppender.setFile(file.toString());
        fileAppender.setAppend(true);
        fileAppender.setPrudent(true);
        fileAppender.setEncoder(encoder(ctx, pid));
        fileAppender.start();
        boolean opened = fileAppender.isStarted() && Files.isWritable(file);
        if (opened) {
            if (!existed) {
                giveToDirectoryOwner(file);
            }
            root.addAppender(fileAppender);
        } else {
            fileAppender.stop();
            String fallback = "stderr";
            if (SyslogAppender.available()) {
                SyslogAppender syslog = new SyslogAppender();
                syslog.setContext(ctx);
                syslog.setName("syslog");
                syslog.start();
                if (syslog.isStarted()) {
                    root.addAppender(syslog);
                    fallback = "syslog (tag slurm-azure-power) and stderr";
                }
            }
            err.println("slurm-azure-power: warning: cannot write " + file + " (log.file); logging to " + fallback);
            err.flush();
        }
        if (alsoStderr || !opened) {
            WriterAppender console = new WriterAppender(err, new PowerLogLayout(pid));
            console.setContext(ctx);
            console.setName("stderr");
            console.start();
            root.addAppender(console);
        }
        if (!opened) {
            root.warn("cannot write {} (log.file): this run logs to syslog and stderr", file);
        }
        return opened;
    }

    /** Flushes and closes the appenders (before System.exit). */
    public static void close() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    /**
     * A log file created by root (an admin's hand run) goes to the owner of its directory (SlurmUser), so that the
     * next run by slurmctld can still append to it.
     */
    static void giveToDirectoryOwner(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null || !"root".equals(System.getProperty("user.name"))) {
                return;
            }
            UserPrincipal owner = Files.getOwner(dir);
            if (!owner.equals(Files.getOwner(file))) {
                Files.setOwner(file, owner);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // best effort: the file stays root's; config check warns about an unwritable log
        }
    }

    /** Log lines to the command's stderr (a terminal, or the test that runs the command). */
    private static final class WriterAppender extends AppenderBase<ILoggingEvent> {
        private final PrintWriter out;
        private final PowerLogLayout layout;

        WriterAppender(PrintWriter out, PowerLogLayout layout) {
            this.out = out;
            this.layout = layout;
        }

        @Override
        protected void append(ILoggingEvent event) {
            synchronized (out) {
                out.print(layout.doLayout(event));
                out.flush();
            }
        }
    }

    private static LayoutWrappingEncoder<ILoggingEvent> encoder(LoggerContext ctx, String pid) {
        PowerLogLayout layout = new PowerLogLayout(pid);
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(ctx);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }
}
