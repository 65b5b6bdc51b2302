package org.slurmazure.power.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The duration syntax of the configuration: a whole number with a unit, {@code 1500ms}, {@code 540s}, {@code 9m},
 * {@code 1h}, or a bare whole number of seconds. Zero and negative durations are rejected.
 */
public final class Durations {
    /** The longest duration accepted anywhere; longer values are typos. */
    public static final Duration MAX = Duration.ofHours(24);
    /** The "expected" part of messages about a duration. */
    public static final String EXPECTED = "a positive duration like 540s, 9m, 1h or 1500ms (a bare number is seconds)";

    private Durations() {}

    /** The duration, or empty when the text is not a positive duration in this syntax or exceeds {@link #MAX}. */
    public static Optional<Duration> parse(String text) {
        String s = text.strip();
        int i = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == 0 || i > 12) {
            return Optional.empty();
        }
        long amount = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i);
        Duration d;
        switch (unit) {
            case "ms" -> d = Duration.ofMillis(amount);
            case "", "s" -> d = Duration.ofSeconds(amount);
            case "m" -> d = Duration.ofMinutes(amount);
            case "h" -> d = Duration.ofHours(amount);
            default -> {
                return Optional.empty();
            }
        }
        if (d.isZero() || d.isNegative() || d.compareTo(MAX) > 0) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** The compact form: {@code 1500ms}, {@code 540s}, {@code 2h}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 3600 == 0) {
            return (s / 3600) + "h";
        }
        return s + "s";
    }
}
