package org.slurmazure.power.hostlist;

/**
 * Reads a hostlist expression the way Slurm's {@code hostlist_create} (src/common/hostlist.c, 23.11 and later) does,
 * and hands every token to a {@link Handler}: a plain name, or a {@link HostlistPattern} of bracket groups.
 *
 * <p>The rules, as Slurm applies them:
 * <ul>
 * <li>Tokens are separated by runs of comma, space, tab and newline; a separator between a {@code [} and the next
 *     {@code ]} does not end a token ({@code c[1, 2]} is one token).</li>
 * <li>A token without brackets is a name, taken as it is.</li>
 * <li>A bracket group holds comma-separated elements, each a number or a range {@code lo-hi}. An element is read
 *     like C's {@code strtoul}: leading white space and one {@code +} are allowed, and count toward the zero-padding
 *     width, which is the length of the text of the low bound ({@code [ 1-2]} gives width 2, {@code [1-02]} width 1).
 *     The low bound of a range may be followed by other characters, which also count toward the width.</li>
 * <li>Errors: an element with no number, an {@code x}, text after the high bound, a negative number ({@code -1},
 *     {@code 1--3}), a reversed range, more than {@value #MAX_RANGE} hosts in one range, more than
 *     {@value #MAX_RANGE} values in a bracket group that is not the last of its token, more than
 *     {@value #MAX_RANGES} elements in one group, and brackets that are not balanced.</li>
 * <li>Text after the last group is appended to every name ({@code c[1-2]-ib}, valid from Slurm 23.11).</li>
 * </ul>
 *
 * <p>Deliberate differences from Slurm, where Slurm's own output would be wrong: a number beyond 2^64-1 inside
 * brackets is an error (Slurm silently turns it into 18446744073709551615); a bracket that is not balanced
 * ({@code c1-3]}, {@code c[[1-3]}, {@code c[1-3]]}) is always an error (Slurm turns some of these into names with
 * brackets); an error in any bracket group is an error of the whole expression (Slurm logs errors of the first
 * groups of a token with three or more groups and goes on without those names); more than {@value #MAX_RANGE} values
 * in such a first group is an error too (Slurm silently drops names); names are always returned verbatim (Slurm
 * merges a name such as {@code "a\rb1"} into the range of {@code ab2}, whose prefix it finds equal because its
 * natural comparison skips white space).
 */
final class HostlistParser {
    /** Most hosts in one range of a bracket group, and most values of a bracket group before the last. */
    static final int MAX_RANGE = 65_536;
    /** Most comma-separated elements in one bracket group. */
    static final int MAX_RANGES = 256 * 1024;

    /** Receives the tokens of an expression in order. */
    interface Handler {
        void plain(String name) throws InvalidHostlistException;

        void pattern(HostlistPattern pattern) throws InvalidHostlistException;
    }

    private HostlistParser() {}

    static boolean isSeparator(char c) {
        return c == ',' || c == ' ' || c == '\t' || c == '\n';
    }

    /** C's isspace in the C locale, which strtoul skips. */
    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    static void parse(String expression, Handler handler) throws InvalidHostlistException {
        final String s = expression;
        final int len = s.length();
        // Slurm looks for the next '[' and ']' from the start of the current token each time; both positions only
        // move forward, so they are cached to keep long expressions linear.
        int nextOpen = -2;
        int nextClose = -2;
        int pos = 0;
        while (true) {
            while (pos < len && isSeparator(s.charAt(pos))) {
                pos++;
            }
            if (pos == len) {
                return;
            }
            final int start = pos;
            int parse = pos;
            boolean hasBracket = false;
            scan:
            while (true) {
                while (pos < len && !isSeparator(s.charAt(pos))) {
                    pos++;
                }
                while (true) {
                    if (nextOpen != -1 && nextOpen < parse) {
                        nextOpen = s.indexOf('[', parse);
                    }
                    if (nextOpen < 0 || nextOpen > pos) {
                        break scan;
                    }
                    if (nextClose != -1 && nextClose < parse) {
                        nextClose = s.indexOf(']', parse);
                    }
                    if (nextClose < 0 || nextClose < nextOpen) {
                        break scan;
                    }
                    hasBracket = true;
                    if (nextClose < pos) {
                        parse = nextClose + 1;
                    } else {
                        pos = nextClose;
                        continue scan;
                    }
                }
            }
            token(expression, start, pos, hasBracket || containsBracket(s, start, pos), handler);
        }
    }

    private static boolean containsBracket(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '[' || c == ']') {
                return true;
            }
        }
        return false;
    }

    private static void token(String expr, int start, int end, boolean brackets, Handler handler)
            throws InvalidHostlistException {
        if (!brackets) {
            handler.plain(expr.substring(start, end));
            return;
        }
        // Balanced, non-nested groups: literal [group] literal [group] ... literal
        int groups = 0;
        for (int i = start; i < end; i++) {
            char c = expr.charAt(i);
            if (c == ']') {
                throw new InvalidHostlistException(
                        expr,
                        "unbalanced bracket in \"" + InvalidHostlistException.printable(expr.substring(start, end))
                                + "\": \"]\" without \"[\"");
            }
            if (c == '[') {
                int close = i + 1;
                while (close < end && expr.charAt(close) != ']') {
                    if (expr.charAt(close) == '[') {
                        throw new InvalidHostlistException(
                                expr,
                                "nested brackets in \"" + InvalidHostlistException.printable(expr.substring(start, end))
                                        + "\"");
                    }
                    close++;
                }
                if (close == end) {
                    throw new InvalidHostlistException(
                            expr,
                            "unbalanced bracket in \"" + InvalidHostlistException.printable(expr.substring(start, end))
                                    + "\": \"[\" is not closed");
                }
                groups++;
                i = close;
            }
        }
        String[] literals = new String[groups + 1];
        HostlistPattern.Group[] parsed = new HostlistPattern.Group[groups];
        int literalStart = start;
        int g = 0;
        for (int i = start; i < end; i++) {
            if (expr.charAt(i) == '[') {
                int close = expr.indexOf(']', i);
                literals[g] = expr.substring(literalStart, i);
                parsed[g] = group(expr, i + 1, close);
                g++;
                literalStart = close + 1;
                i = close;
            }
        }
        literals[groups] = expr.substring(literalStart, end);
        // Slurm enumerates every group but the last as a prefix and refuses more than MAX_RANGE prefix values
        // per group.
        for (int k = 0; k < groups - 1; k++) {
            if (parsed[k].count > MAX_RANGE) {
                throw new InvalidHostlistException(
                        expr,
                        "too many hosts in bracket group \"["
                                + InvalidHostlistException.printable(parsed[k].text) + "]\": " + parsed[k].count
                                + " (the limit is " + MAX_RANGE + ")");
            }
        }
        long count = 1;
        for (HostlistPattern.Group group : parsed) {
            long product = count * group.count;
            if (Math.multiplyHigh(count, group.count) != 0 || product < 0) {
                throw new InvalidHostlistException(
                        expr,
                        "too many hosts in \"" + InvalidHostlistException.printable(expr.substring(start, end)) + "\"");
            }
            count = product;
        }
        handler.pattern(new HostlistPattern(literals, parsed, count));
    }

    /** One bracket group: the text between {@code from} and {@code to} (exclusive), without the brackets. */
    private static HostlistPattern.Group group(String expr, int from, int to) throws InvalidHostlistException {
        String text = expr.substring(from, to);
        int elements = 1;
        for (int i = from; i < to; i++) {
            if (expr.charAt(i) == ',') {
                elements++;
            }
        }
        if (elements > MAX_RANGES) {
            throw new InvalidHostlistException(
                    expr, "too many elements in bracket group: " + elements + " (the limit is " + MAX_RANGES + ")");
        }
        HostlistPattern.Group group = new HostlistPattern.Group(text, elements);
        long[] scratch = new long[2];
        int elementStart = from;
        for (int i = from; i <= to; i++) {
            if (i == to || expr.charAt(i) == ',') {
                element(expr, text, elementStart, i, group, scratch);
                elementStart = i + 1;
            }
        }
        return group;
    }

    /**
     * One element of a bracket group, {@code expr[from, to)}: a number or a range, read as Slurm's
     * _parse_single_range does.
     */
    private static void element(
            String expr, String groupText, int from, int to, HostlistPattern.Group group, long[] scratch)
            throws InvalidHostlistException {
        if (from == to) {
            throw new InvalidHostlistException(
                    expr,
                    groupText.isEmpty()
                            ? "empty brackets \"[]\""
                            : "empty element in brackets \"[" + InvalidHostlistException.printable(groupText) + "]\"");
        }
        int dash = -1;
        for (int i = from; i < to; i++) {
            char c = expr.charAt(i);
            if (c == 'x') {
                throw notARange(expr, from, to);
            }
            if (c == '-' && dash < 0) {
                dash = i;
            }
        }
        if (dash >= 0 && dash + 1 < to && expr.charAt(dash + 1) == '-') {
            throw new InvalidHostlistException(
                    expr,
                    "\"" + InvalidHostlistException.printable(expr.substring(from, to))
                            + "\" is not a valid range: negative numbers are not allowed");
        }
        int loEnd = dash >= 0 ? dash : to;
        int width = loEnd - from;
        if (!strtoul(expr, from, loEnd, scratch)) {
            if (dash == from) {
                throw new InvalidHostlistException(
                        expr,
                        "\"" + InvalidHostlistException.printable(expr.substring(from, to))
                                + "\" is not a valid range: negative numbers are not allowed");
            }
            throw notARange(expr, from, to);
        }
        long lo = scratch[0];
        long hi;
        if (dash >= 0 && dash + 1 < to) {
            // Slurm ignores what follows the digits of the low bound of a range ("1a-3" is 01-03)
            if (!strtoul(expr, dash + 1, to, scratch) || scratch[1] != to) {
                throw notARange(expr, from, to);
            }
            hi = scratch[0];
        } else {
            // "5" or "5-": the whole low bound must be a number
            if (scratch[1] != loEnd) {
                throw notARange(expr, from, to);
            }
            hi = lo;
        }
        if (Long.compareUnsigned(lo, hi) > 0) {
            throw new InvalidHostlistException(
                    expr, "range " + InvalidHostlistException.printable(expr.substring(from, to)) + " is reversed");
        }
        if (Long.compareUnsigned(hi - lo, MAX_RANGE - 1) > 0) {
            String hosts = hi - lo + 1 == 0 ? "18446744073709551616" : Long.toUnsignedString(hi - lo + 1);
            throw new InvalidHostlistException(
                    expr,
                    "too many hosts in range " + InvalidHostlistException.printable(expr.substring(from, to)) + ": "
                            + hosts + " (the limit is " + MAX_RANGE + ")");
        }
        group.add(lo, hi, width);
    }

    private static InvalidHostlistException notARange(String expr, int from, int to) {
        return new InvalidHostlistException(
                expr,
                "\"" + InvalidHostlistException.printable(expr.substring(from, to)) + "\" is not a number or a range");
    }

    /**
     * Reads {@code s[from, to)} like C's {@code strtoul(s, &end, 10)}: white space, an optional sign, digits.
     * Returns false when there are no digits (strtoul's end would be {@code from}); otherwise stores the value in
     * {@code out[0]} and the end position in {@code out[1]}. A minus sign negates modulo 2^64, as strtoul does.
     */
    private static boolean strtoul(String s, int from, int to, long[] out) throws InvalidHostlistException {
        int i = from;
        while (i < to && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digits = i;
        long value = 0;
        boolean overflow = false;
        while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            // value * 10 + d must stay below 2^64
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, 10)) > 0) {
                overflow = true;
            }
            value = value * 10 + d;
            i++;
        }
        if (i == digits) {
            return false;
        }
        if (overflow) {
            throw new InvalidHostlistException(s, "number \"" + s.substring(digits, i) + "\" is too large");
        }
        out[0] = negative ? -value : value;
        out[1] = i;
        return true;
    }
}
