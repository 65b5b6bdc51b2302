package org.slurmazure.power.hostlist;

/**
 * A token with bracket groups: {@code literals[0] [groups[0]] literals[1] ... [groups[n-1]] literals[n]}. The
 * last literal is the suffix (text after the last group).
 */
final class HostlistPattern {
    /** The comma-separated numbers and ranges of one bracket group. */
    static final class Group {
        final String text;
        final long[] lo;
        final long[] hi;
        final int[] width;
        int size;
        /** Number of values (sum over the ranges). */
        long count;

        Group(String text, int capacity) {
            this.text = text;
            this.lo = new long[capacity];
            this.hi = new long[capacity];
            this.width = new int[capacity];
        }

        void add(long l, long h, int w) {
            lo[size] = l;
            hi[size] = h;
            width[size] = w;
            size++;
            count += h - l + 1;
        }
    }

    final String[] literals;
    final Group[] groups;
    /** Number of names (product of the groups' counts). */
    final long count;

    HostlistPattern(String[] literals, Group[] groups, long count) {
        this.literals = literals;
        this.groups = groups;
        this.count = count;
    }

    Group last() {
        return groups[groups.length - 1];
    }

    String suffix() {
        return literals[literals.length - 1];
    }

    /**
     * Calls {@code visitor} with each prefix (all text before the last group, with a value in every other
     * group) in Slurm's order: the group just before the last varies slowest, then the one before it, ..., and
     * the first group fastest (for {@code x[1-2]y[1-2]z[1-2]}: x1y1z, x2y1z, x1y2z, x2y2z). The builder holds
     * the prefix; the visitor may append to it (it is reset for the next prefix) but must not keep it.
     */
    void forEachPrefix(StringBuilder sb, PrefixVisitor visitor) throws InvalidHostlistException {
        int n = groups.length - 1; // prefix groups
        sb.setLength(0);
        if (n == 0) {
            sb.append(literals[0]);
            visitor.visit(sb);
            return;
        }
        int[] rangeIndex = new int[n];
        long[] value = new long[n];
        for (int k = 0; k < n; k++) {
            value[k] = groups[k].lo[0];
        }
        while (true) {
            sb.setLength(0);
            for (int k = 0; k < n; k++) {
                sb.append(literals[k]);
                Numbers.appendPadded(sb, value[k], groups[k].width[rangeIndex[k]]);
            }
            sb.append(literals[n]);
            visitor.visit(sb);
            // odometer: group 0 fastest, group n-1 slowest
            int k = 0;
            while (true) {
                Group g = groups[k];
                if (value[k] != g.hi[rangeIndex[k]]) {
                    value[k]++;
                    break;
                }
                if (rangeIndex[k] + 1 < g.size) {
                    rangeIndex[k]++;
                    value[k] = g.lo[rangeIndex[k]];
                    break;
                }
                rangeIndex[k] = 0;
                value[k] = g.lo[0];
                if (++k == n) {
                    return;
                }
            }
        }
    }

    /** Receives each prefix of {@link #forEachPrefix}. */
    interface PrefixVisitor {
        void visit(StringBuilder prefix) throws InvalidHostlistException;
    }
}
