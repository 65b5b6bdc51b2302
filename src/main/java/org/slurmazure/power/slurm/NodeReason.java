package org.slurmazure.power.slurm;

/**
 * Reasons given to Slurm with {@code state=down reason=...}. The reason travels as one argument {@code reason=<text>}
 * (never through a shell, so quotes, colons and {@code =} are kept as they are), but it is shown by {@code sinfo -R}
 * and {@code scontrol show node} on one line, so it is cleaned first:
 * <ul>
 *   <li>control characters (newlines, tabs) become spaces, runs of spaces become one, the ends are trimmed;</li>
 *   <li>characters outside printable ASCII become {@code ?}: slurmctld gives its programs no LANG, so the JVM would
 *       encode them in argv as {@code ?} anyway; doing it here makes the result the same everywhere;</li>
 *   <li>at most {@link #MAX_LENGTH} characters (the end is replaced by {@code ...}); slurmctld accepts longer ones,
 *       but they only clutter its output;</li>
 *   <li>an empty reason (which slurmctld refuses for DOWN) becomes {@link #UNSPECIFIED}.</li>
 * </ul>
 */
public final class NodeReason {
    /** Longest reason passed to Slurm. */
    public static final int MAX_LENGTH = 200;
    /** What an empty reason becomes. */
    public static final String UNSPECIFIED = "azure: unspecified failure";

    private NodeReason() {}

    /** {@code azure: <failureClass>: <detail>}, cleaned; e.g. {@code azure: capacity: AllocationFailed}. */
    public static String azure(String failureClass, String detail) {
        String d = detail == null || detail.isBlank() ? "" : ": " + detail;
        return clean("azure: " + failureClass + d);
    }

    /** The reason as it will be given to Slurm (see the class comment). */
    public static String clean(String reason) {
        if (reason == null) {
            return UNSPECIFIED;
        }
        StringBuilder sb = new StringBuilder(Math.min(reason.length(), MAX_LENGTH + 8));
        boolean space = false;
        for (int i = 0; i < reason.length() && sb.length() <= MAX_LENGTH; i++) {
            char c = reason.charAt(i);
            if (c <= ' ' || c == 0x7f || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < reason.length()
                    && Character.isLowSurrogate(reason.charAt(i + 1))) {
                i++; // one code point, one '?'
            }
            sb.append(c < 0x7f ? c : '?');
        }
        if (sb.length() == 0) {
            return UNSPECIFIED;
        }
        if (sb.length() > MAX_LENGTH) {
            sb.setLength(MAX_LENGTH - 3);
            return sb.toString().stripTrailing() + "...";
        }
        return sb.toString();
    }
}
