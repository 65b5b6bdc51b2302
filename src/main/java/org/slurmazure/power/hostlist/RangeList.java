package org.slurmazure.power.hostlist;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;

import org.jspecify.annotations.Nullable;

/**
 * What {@code scontrol show hostlistsorted} does with a hostlist, step by step as in Slurm's src/common/hostlist.c:
 * <ol>
 * <li>push: every name or range is appended as a range (prefix, lo, hi, width) or, for a name without a trailing
 *     number, a single host; a range that continues the last one (same prefix, hi + 1, compatible width) extends
 *     it (hostlist_push_range);</li>
 * <li>sort: glibc's merge sort (qsort) with hostrange_cmp: natural order of the prefixes, single hosts first, then by
 *     low number when the widths are compatible, else by width. The width check (_width_equiv) makes compatible
 *     widths equal as a side effect, so the result depends on the exact sequence of comparisons, which is why the
 *     merge sort is reproduced here rather than using a library sort;</li>
 * <li>coalesce: overlapping ranges are split so that each duplicate host appears as its own range
 *     (hostlist_coalesce); collapse: adjacent contiguous ranges are joined (hostlist_collapse);</li>
 * <li>print: consecutive ranges with the same prefix share one bracket (hostlist_ranged_string).</li>
 * </ol>
 * Duplicates are kept. The result always expands back to the same multiset of names.
 *
 * <p>Slurm's quadratic steps (inserting into an array, restarting the coalesce scan from the end) are replaced by
 * linear ones that make the same comparisons with the same side effects, in the same order where it matters.
 *
 * <p>Not thread-safe; one instance per compression.
 */
final class RangeList {

    /** Slurm's hostrange_t. A single host has only a prefix (the whole name). Numbers are unsigned. */
    static final class Range {
        final String prefix;
        long lo;
        long hi;
        int width;
        final boolean single;

        Range(String prefix, long lo, long hi, int width, boolean single) {
            this.prefix = prefix;
            this.lo = lo;
            this.hi = hi;
            this.width = width;
            this.single = single;
        }
    }

    private Range[] ranges = new Range[16];
    private int size;
    private final HashMap<String, String> prefixes = new HashMap<>();

    /** One instance per distinct prefix, so that equal prefixes compare by reference. */
    private String intern(String s) {
        String known = prefixes.putIfAbsent(s, s);
        return known == null ? s : known;
    }

    /** hostlist_push_host: a name, split into prefix and trailing number when it has one. */
    void pushHost(String name) {
        int end = name.length();
        int idx = end - 1;
        while (idx >= 0 && isDigit(name.charAt(idx))) {
            idx--;
        }
        if (idx == end - 1 || !Numbers.fits(name, idx + 1, end)) {
            // No trailing number; or one beyond 2^64-1, which Slurm would turn into 18446744073709551615: kept
            // as a single host so that the name survives.
            pushSingle(name);
            return;
        }
        String prefix = intern(name.substring(0, idx + 1));
        push(new Range(
                prefix, Numbers.parse(name, idx + 1, end), Numbers.parse(name, idx + 1, end), end - idx - 1, false));
    }

    /** hostlist_push_hr without a suffix: the hosts prefix + lo ... prefix + hi. */
    void pushRange(String prefix, long lo, long hi, int width) {
        push(new Range(intern(prefix), lo, hi, width, false));
    }

    /** A host that is never put into a range (Slurm does this for names with text after the last bracket). */
    void pushSingle(String name) {
        push(new Range(intern(name), 0, 0, 0, true));
    }

    private void push(Range hr) {
        if (size > 0) {
            Range tail = ranges[size - 1];
            if (tail.hi == hr.lo - 1 && prefixCmp(tail, hr) == 0 && widthCombine(tail, hr)) {
                tail.hi = hr.hi;
                return;
            }
        }
        if (size == ranges.length) {
            ranges = Arrays.copyOf(ranges, size * 2);
        }
        ranges[size++] = hr;
    }

    /** hostlist_sort then hostlist_ranged_string. */
    String sortedRangedString() {
        if (size > 1) {
            mergeSort(ranges, 0, size, new Range[size]);
            coalesce();
            collapse();
        }
        return rangedString();
    }

    // ---- comparisons (hostrange_prefix_cmp, _width_equiv, hostrange_cmp) ----

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** hostrange_prefix_cmp: natural order of the prefixes; on a tie, a single host comes first. */
    static int prefixCmp(Range a, Range b) {
        int r = a.prefix.equals(b.prefix) ? 0 : NaturalOrder.compare(a.prefix, b.prefix);
        return r != 0 ? r : (b.single ? 1 : 0) - (a.single ? 1 : 0);
    }

    /**
     * _width_equiv: true when both widths print both low numbers with the same zero padding; then the two widths
     * are made equal (the one that does not change its own number's padding is adopted).
     */
    static boolean widthCombine(Range n, Range m) {
        if (n.width == m.width) {
            return true;
        }
        int npad = Numbers.zeroPadding(n.lo, n.width);
        int nmpad = Numbers.zeroPadding(n.lo, m.width);
        int mpad = Numbers.zeroPadding(m.lo, m.width);
        int mnpad = Numbers.zeroPadding(m.lo, n.width);
        if (npad != nmpad && mpad != mnpad) {
            return false;
        } else if (npad != nmpad) {
            m.width = n.width;
        } else {
            n.width = m.width;
        }
        return true;
    }

    /** hostrange_cmp, including C's truncation of the unsigned difference of the low numbers to an int. */
    static int cmp(Range h1, Range h2) {
        int r = prefixCmp(h1, h2);
        if (r == 0) {
            r = widthCombine(h1, h2) ? (int) (h1.lo - h2.lo) : h1.width - h2.width;
        }
        return r;
    }

    /**
     * glibc's qsort (msort.c, used by every glibc from 2.3 to today for arrays that fit in memory): top-down merge
     * sort, left half n/2, stable ({@code cmp <= 0} takes the left element).
     */
    private static void mergeSort(Range[] b, int from, int n, Range[] tmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        mergeSort(b, from, n1, tmp);
        mergeSort(b, from + n1, n2, tmp);
        int i = from;
        int j = from + n1;
        int t = 0;
        while (n1 > 0 && n2 > 0) {
            if (cmp(b[i], b[j]) <= 0) {
                tmp[t++] = b[i++];
                n1--;
            } else {
                tmp[t++] = b[j++];
                n2--;
            }
        }
        if (n1 > 0) {
            System.arraycopy(b, i, tmp, t, n1);
        }
        System.arraycopy(tmp, 0, b, from, n - n2);
    }

    // ---- hostlist_coalesce, hostlist_collapse ----

    /**
     * hostrange_intersect: the common hosts of h1 and h2 (h1 sorted before h2), or null.
     *
     * <p>One deliberate difference: Slurm also "intersects" a pair whose second range starts below the first. That
     * happens when a split in coalesce gives a range a new low number, which makes its width compatible with a
     * neighbour that the sort had placed after it by width (e.g. {@code n[009-53,5-001857,11-113]}). Slurm then
     * empties the first range, deletes the second and loses hosts; such a pair is left as it is here, so that the
     * result still expands to the same hosts. The width side effect of the check is kept, as in Slurm.
     */
    private static @Nullable Range intersect(Range h1, Range h2) {
        if (h1.single || h2.single) {
            return null;
        }
        if (Long.compareUnsigned(h1.hi, h2.lo) > 0
                && prefixCmp(h1, h2) == 0
                && widthCombine(h1, h2)
                && Long.compareUnsigned(h2.lo, h1.lo) >= 0) {
            long hi = Long.compareUnsigned(h2.hi, h1.hi) < 0 ? h2.hi : h1.hi;
            return new Range(h1.prefix, h2.lo, hi, h1.width, false);
        }
        return null;
    }

    /**
     * hostlist_coalesce. Slurm scans pairs from the right; when a pair overlaps it splits it (the left range keeps
     * up to the first common host, each common host is inserted as its own range, once or twice, and the right range
     * starts at the last common host and extends to the end of both) and restarts the scan from the right end.
     * The restart only re-finds the pairs right of the change, which do not overlap and whose checks change
     * nothing, except the pair of the extended right range and its right neighbour. So this checks that pair next
     * and then carries on leftwards, as Slurm's rescan effectively does, in linear time: {@code done} holds the
     * checked ranges (its top is the leftmost), {@code pending} the ranges still to be placed left of it.
     */
    private void coalesce() {
        Range[] done = new Range[size + 16];
        int doneSize = 0;
        ArrayDeque<Range> pending = new ArrayDeque<>();
        for (int i = size - 1; i >= 0; i--) {
            pending.push(ranges[i]);
            while (!pending.isEmpty()) {
                Range x = pending.pop();
                if (doneSize > 0) {
                    Range y = done[doneSize - 1];
                    Range common = intersect(x, y);
                    if (common != null) {
                        doneSize--;
                        if (Long.compareUnsigned(common.hi, x.hi) < 0) {
                            y.hi = x.hi;
                        }
                        x.hi = common.lo;
                        y.lo = common.hi;
                        // left to right: x, the common hosts (those inside x or y once, the others twice), y
                        pending.push(x);
                        for (long v = common.lo; ; v++) {
                            if (Long.compareUnsigned(v, x.hi) > 0) {
                                pending.push(new Range(common.prefix, v, v, common.width, false));
                            }
                            if (Long.compareUnsigned(v, y.lo) < 0) {
                                pending.push(new Range(common.prefix, v, v, common.width, false));
                            }
                            if (v == common.hi) {
                                break;
                            }
                        }
                        pending.push(y);
                        continue;
                    }
                }
                if (doneSize == done.length) {
                    done = Arrays.copyOf(done, doneSize * 2);
                }
                done[doneSize++] = x;
            }
        }
        if (ranges.length < doneSize) {
            ranges = new Range[doneSize];
        }
        for (int k = 0; k < doneSize; k++) {
            ranges[k] = done[doneSize - 1 - k];
        }
        for (int k = doneSize; k < size; k++) {
            ranges[k] = null;
        }
        size = doneSize;
    }

    /** hostlist_collapse: from the right, join each range with the next one when that one continues it. */
    private void collapse() {
        int top = size; // ranges[top..size) is the collapsed suffix, ranges[top] its leftmost
        for (int i = size - 1; i >= 0; i--) {
            Range x = ranges[i];
            if (top < size) {
                Range y = ranges[top];
                if (x.hi == y.lo - 1 && prefixCmp(x, y) == 0 && widthCombine(x, y)) {
                    x.hi = y.hi;
                    top++;
                }
            }
            ranges[--top] = x;
        }
        int n = size - top;
        System.arraycopy(ranges, top, ranges, 0, n);
        for (int k = n; k < size; k++) {
            ranges[k] = null;
        }
        size = n;
    }

    // ---- hostlist_ranged_string ----

    /** _get_bracketed_list's test: same prefix and neither is a single host. */
    private static boolean withinRange(Range a, @Nullable Range b) {
        return b != null && !a.single && !b.single && prefixCmp(a, b) == 0;
    }

    private String rangedString() {
        StringBuilder sb = new StringBuilder(Math.max(16, size * 8));
        int i = 0;
        while (i < size) {
            if (i > 0) {
                sb.append(',');
            }
            int start = i;
            Range first = ranges[i];
            boolean bracket =
                    (!first.single && first.hi != first.lo) || withinRange(first, i + 1 < size ? ranges[i + 1] : null);
            sb.append(first.prefix);
            if (bracket) {
                sb.append('[');
            }
            do {
                if (i > start) {
                    sb.append(',');
                }
                Range r = ranges[i];
                if (!r.single) {
                    Numbers.appendPadded(sb, r.lo, r.width);
                    if (Long.compareUnsigned(r.lo, r.hi) < 0) {
                        sb.append('-');
                        Numbers.appendPadded(sb, r.hi, r.width);
                    }
                }
            } while (++i < size && withinRange(ranges[i], ranges[i - 1]));
            if (bracket) {
                sb.append(']');
            }
        }
        return sb.toString();
    }
}
