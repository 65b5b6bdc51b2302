package org.slurmazure.power.hostlist;

/**
 * A hostlist expression that Slurm rejects. {@link #getMessage()} is one line naming the expression and the problem,
 * e.g. {@code invalid hostlist "c[3-1]": range 3-1 is reversed}; control characters of the expression are escaped
 * in it so that it always fits on one line.
 */
public final class InvalidHostlistException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String expression;
    private final String reason;

    public InvalidHostlistException(String expression, String reason) {
        super("invalid hostlist \"" + printable(expression) + "\": " + reason);
        this.expression = expression;
        this.reason = reason;
    }

    /** The whole expression that was rejected, as given. */
    public String expression() {
        return expression;
    }

    /** What is wrong with it, without the expression, e.g. {@code range 3-1 is reversed}. */
    public String reason() {
        return reason;
    }

    /** {@code s} with backslash, double quote and control characters escaped (C style), for one-line messages. */
    static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = switch (c) {
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                case '\r' -> "\\r";
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                default -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : null;
            };
            if (escape != null && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (escape != null) {
                    sb.append(escape);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }
}
