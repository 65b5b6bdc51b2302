package org.slurmazure.power.doctor;

import java.util.Objects;

import org.slurmazure.power.text.Secrets;

/**
 * One line of the report: what was checked, how it went, and what to do about it. Message and advice are one line
 * each and never hold a secret (they are masked here, whatever their source).
 *
 * @param name    the check, e.g. {@code ResumeProgram} or {@code permissions hpc1-burst}
 * @param message what was found
 * @param advice  what to do, "" when nothing
 */
public record Check(Status status, Area area, String name, String message, String advice) {
    public Check {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(area, "area");
        Objects.requireNonNull(name, "name");
        message = oneLine(message);
        advice = oneLine(advice);
    }

    public static Check pass(Area area, String name, String message) {
        return new Check(Status.PASS, area, name, message, "");
    }

    public static Check warn(Area area, String name, String message, String advice) {
        return new Check(Status.WARN, area, name, message, advice);
    }

    public static Check fail(Area area, String name, String message, String advice) {
        return new Check(Status.FAIL, area, name, message, advice);
    }

    private static String oneLine(String s) {
        String masked = Secrets.redact(Objects.requireNonNull(s));
        return masked.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
