package org.slurmazure.power.config;

/** Small text helpers for messages. */
final class Text {
    private static final int MAX_QUOTED = 80;

    private Text() {}

    /** The value in double quotes, control characters escaped and long values shortened, for one-line messages. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 8).append('"');
        int shown = 0;
        for (int i = 0; i < value.length(); i++) {
            if (shown == MAX_QUOTED) {
                sb.append("...");
                break;
            }
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
            shown++;
        }
        return sb.append('"').toString();
    }

    /** Collapses line breaks so a message stays on one line. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
