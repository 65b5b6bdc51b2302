package org.slurmazure.power.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.LayoutBase;

import org.slurmazure.power.text.Secrets;

/**
 * One line per event: {@code <time> <LEVEL> [<pid>] <message>}, the message's line breaks folded, an exception
 * reduced to its class and message (and its causes'), secrets masked ({@link Secrets}). Written in code, without
 * a pattern to parse or converters to find by reflection.
 */
final class PowerLogLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());

    private final String pid;

    PowerLogLayout(String pid) {
        this.pid = pid;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
        String level = event.getLevel().toString();
        sb.append(level);
        for (int i = level.length(); i < 5; i++) {
            sb.append(' ');
        }
        sb.append(" [").append(pid).append("] ");
        sb.append(message(event));
        return sb.append('\n').toString();
    }

    /** The event's text on one line, secrets masked: what goes to the file and to syslog. */
    static String message(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(String.valueOf(event.getFormattedMessage()));
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(t == event.getThrowableProxy() ? " (" : "; caused by ").append(t.getClassName());
            if (t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
            if (t.getCause() == null) {
                sb.append(')');
            }
        }
        return Secrets.redact(sb.toString().replaceAll("\\s*[\\r\\n]+\\s*", " | "));
    }
}
