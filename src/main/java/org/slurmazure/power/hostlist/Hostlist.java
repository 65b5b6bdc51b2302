package org.slurmazure.power.hostlist;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.hostlist.HostlistPattern.Group;

/**
 * Slurm hostlist expressions ({@code azc[001-003,007],gpu[1-2]}) at parity with Slurm's src/common/hostlist.c
 * (23.11 and later, which reads everything 22.05 writes). Pure functions, thread-safe, no I/O.
 *
 * <ul>
 * <li>{@link #expand}: what {@code scontrol show hostnames} prints, in the same order, duplicates kept.</li>
 * <li>{@link #compress}: what {@code scontrol show hostlistsorted} prints, e.g. {@code a3,a1,a2} gives
 *     {@code a[1-3]}.</li>
 * <li>{@link #count}: how many names {@link #expand} returns.</li>
 * </ul>
 * The syntax and its errors are described in {@link HostlistParser}; the sorting and printing rules in
 * {@link RangeList}.
 */
public final class Hostlist {
    /**
     * Most names {@link #expand} (and compressing an expression) will materialise: far more than any cluster (Slurm
     * itself allows 65,536 nodes), small enough that a typing mistake such as {@code x[1-60000]y[1-60000]} fails
     * cleanly instead of exhausting the memory.
     */
    public static final int MAX_NAMES = 1 << 22;

    private Hostlist() {}

    /**
     * Expands a Slurm hostlist expression to names in Slurm's order, duplicates kept.
     *
     * @throws InvalidHostlistException when Slurm rejects the expression, or it has more than {@link #MAX_NAMES}
     *         names
     */
    public static List<String> expand(String expression) throws InvalidHostlistException {
        ArrayList<String> names = new ArrayList<>(Math.min(16 + expression.length() / 4, 1 << 16));
        HostlistParser.parse(expression, new HostlistParser.Handler() {
            final StringBuilder sb = new StringBuilder(32);

            @Override
            public void plain(String name) throws InvalidHostlistException {
                checkLimit(expression, names.size() + 1L);
                names.add(name);
            }

            @Override
            public void pattern(HostlistPattern p) throws InvalidHostlistException {
                checkLimit(expression, names.size() + p.count);
                names.ensureCapacity((int) (names.size() + p.count));
                Group last = p.last();
                String suffix = p.suffix();
                p.forEachPrefix(sb, prefix -> {
                    int base = prefix.length();
                    for (int r = 0; r < last.size; r++) {
                        long hi = last.hi[r];
                        int width = last.width[r];
                        for (long v = last.lo[r]; ; v++) {
                            prefix.setLength(base);
                            Numbers.appendPadded(prefix, v, width);
                            prefix.append(suffix);
                            names.add(prefix.toString());
                            if (v == hi) {
                                break;
                            }
                        }
                    }
                });
            }
        });
        return names;
    }

    /**
     * What {@code scontrol show hostlistsorted} prints for these names (one expression), which always expands back
     * to the same multiset. An empty collection gives an empty string.
     *
     * @throws IllegalArgumentException when a name is empty or contains a separator (comma, space, tab, newline)
     *         or a bracket: such a name cannot be written in a hostlist
     */
    public static String compress(Collection<String> names) {
        RangeList list = new RangeList();
        for (String name : names) {
            checkName(name);
            list.pushHost(name);
        }
        return list.sortedRangedString();
    }

    /**
     * What {@code scontrol show hostlistsorted EXPRESSION} prints: the expression is read as Slurm reads it (names,
     * bracket groups, separators) and its names are sorted and compressed as {@link #compress} does.
     *
     * @throws InvalidHostlistException when the expression is invalid (as in {@link #expand})
     */
    public static String compressExpression(String expression) throws InvalidHostlistException {
        return compressExpressions(List.of(expression));
    }

    /**
     * Like {@link #compressExpression} for several expressions whose names are compressed together (as if joined by
     * commas, each read on its own).
     */
    public static String compressExpressions(Collection<String> expressions) throws InvalidHostlistException {
        RangeList list = new RangeList();
        long[] total = new long[1];
        for (String expression : expressions) {
            HostlistParser.parse(expression, new HostlistParser.Handler() {
                final StringBuilder sb = new StringBuilder(32);

                @Override
                public void plain(String name) throws InvalidHostlistException {
                    checkLimit(expression, ++total[0]);
                    list.pushHost(name);
                }

                @Override
                public void pattern(HostlistPattern p) throws InvalidHostlistException {
                    checkLimit(expression, total[0] += p.count);
                    Group last = p.last();
                    String suffix = p.suffix();
                    p.forEachPrefix(sb, prefix -> {
                        if (suffix.isEmpty()) {
                            String prefixString = prefix.toString();
                            for (int r = 0; r < last.size; r++) {
                                list.pushRange(prefixString, last.lo[r], last.hi[r], last.width[r]);
                            }
                            return;
                        }
                        // Slurm stores a name with text after the brackets as a single host (never a range).
                        int base = prefix.length();
                        for (int r = 0; r < last.size; r++) {
                            long hi = last.hi[r];
                            for (long v = last.lo[r]; ; v++) {
                                prefix.setLength(base);
                                Numbers.appendPadded(prefix, v, last.width[r]);
                                prefix.append(suffix);
                                list.pushSingle(prefix.toString());
                                if (v == hi) {
                                    break;
                                }
                            }
                        }
                    });
                }
            });
        }
        return list.sortedRangedString();
    }

    /**
     * Number of names {@link #expand} would return, without materialising them (no {@link #MAX_NAMES} limit).
     *
     * @throws InvalidHostlistException when the expression is invalid, or names more than {@link Long#MAX_VALUE}
     *         hosts
     */
    public static long count(String expression) throws InvalidHostlistException {
        long[] total = new long[1];
        HostlistParser.parse(expression, new HostlistParser.Handler() {
            @Override
            public void plain(String name) {
                total[0]++;
            }

            @Override
            public void pattern(HostlistPattern p) throws InvalidHostlistException {
                long sum = total[0] + p.count;
                if (sum < 0) {
                    throw new InvalidHostlistException(expression, "too many hosts");
                }
                total[0] = sum;
            }
        });
        return total[0];
    }

    /**
     * Why a hostlist from argv cannot be a list of Slurm node names, or null when it can: node names are letters,
     * digits, {@code -}, {@code _} and {@code .}, with the hostlist syntax ({@code [ ] , -} and separators) around
     * them. slurmctld gives its programs no LANG, so a name that is not ASCII reaches the JVM mangled ({@code n??de1})
     * and could only name the wrong node.
     */
    public static @Nullable String unsupportedCharacter(String expression) {
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '['
                    || c == ']'
                    || c == ','
                    || HostlistParser.isSeparator(c);
            if (!ok) {
                return "invalid character '" + InvalidHostlistException.printable(String.valueOf(c)) + "' (U+"
                        + String.format("%04X", (int) c) + ") at position " + (i + 1) + " of the hostlist \""
                        + InvalidHostlistException.printable(
                                expression.length() > 80 ? expression.substring(0, 77) + "..." : expression)
                        + "\": node names are letters, digits, '-', '_' and '.' (one that is not ASCII reaches "
                        + "the program mangled when slurmctld runs it: rename the node)";
            }
        }
        return null;
    }

    private static void checkLimit(String expression, long names) throws InvalidHostlistException {
        if (names > MAX_NAMES || names < 0) {
            throw new InvalidHostlistException(expression, "more than " + MAX_NAMES + " names");
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty host name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (HostlistParser.isSeparator(c) || c == '[' || c == ']') {
                throw new IllegalArgumentException("host name \"" + InvalidHostlistException.printable(name)
                        + "\" contains '" + InvalidHostlistException.printable(String.valueOf(c))
                        + "', which a hostlist cannot hold");
            }
        }
    }
}
