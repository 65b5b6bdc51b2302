package org.slurmazure.power.power;

import java.nio.file.Path;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;

/**
 * Sets up power_save.log in code (no logback.xml to find and parse on every start). Several programs append to
 * the file at once: the appender is prudent (each event is written under a file lock, in one piece).
 * The Azure SDK and MSAL log only warnings and errors, and never request headers or bodies.
 */
public final class PowerLog {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%property{PID}] %msg%n";

    private PowerLog() {
    }

    /**
     * Sends logging to {@code file}; with {@code alsoStderr} (an admin at a terminal, --verbose) to stderr too.
     * Returns false when the file cannot be opened; logging then goes to stderr only.
     */
    public static boolean open(Path file, boolean debug, boolean alsoStderr) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.putProperty("PID", Long.toString(ProcessHandle.current().pid()));
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(debug ? Level.DEBUG : Level.INFO);
        ctx.getLogger("com.azure").setLevel(Level.WARN);
        ctx.getLogger("com.microsoft.aad.msal4j").setLevel(Level.ERROR);
        // The JDK transport warns on every request that Content-Length is a restricted header.
        ctx.getLogger("com.azure.core.http.jdk.httpclient").setLevel(Level.ERROR);
        ctx.getLogger("reactor").setLevel(Level.WARN);

        FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
        fileAppender.setContext(ctx);
        fileAppender.setName("power_save");
        fileAppender.setFile(file.toString());
        fileAppender.setAppend(true);
        fileAppender.setPrudent(true);
        fileAppender.setEncoder(encoder(ctx));
        fileAppender.start();
        boolean opened = fileAppender.isStarted() && java.nio.file.Files.isWritable(file);
        if (opened) {
            root.addAppender(fileAppender);
        } else {
            fileAppender.stop();
        }
        if (alsoStderr || !opened) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setContext(ctx);
            console.setName("stderr");
            console.setTarget("System.err");
            console.setEncoder(encoder(ctx));
            console.start();
            root.addAppender(console);
        }
        return opened;
    }

    /** Flushes and closes the appenders (before System.exit). */
    public static void close() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }
}
