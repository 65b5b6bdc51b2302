package org.slurmazure.power.metrics;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The cumulative observations of one histogram series: a count per bucket (an observation goes into the first
 * bucket whose upper bound is at least its value; the last bucket is +Inf), their sum and their count.
 */
public final class Histogram {
    private final List<Double> bounds;
    private final long[] counts;
    private double sum;

    /** An empty histogram with these upper bounds (ascending, without +Inf). */
    public Histogram(List<Double> bounds) {
        this.bounds = List.copyOf(bounds);
        this.counts = new long[bounds.size() + 1];
    }

    /**
     * A histogram from its cumulative bucket counts (one per bound, then +Inf), as the exposition format shows them.
     *
     * @throws IllegalArgumentException when the counts are not cumulative or not one per bucket
     */
    public static Histogram ofCumulative(List<Double> bounds, long[] cumulative, double sum) {
        if (cumulative.length != bounds.size() + 1) {
            throw new IllegalArgumentException(
                    "expected " + (bounds.size() + 1) + " buckets, got " + cumulative.length);
        }
        Histogram h = new Histogram(bounds);
        long before = 0;
        for (int i = 0; i < cumulative.length; i++) {
            if (cumulative[i] < before) {
                throw new IllegalArgumentException("bucket counts are not cumulative: " + Arrays.toString(cumulative));
            }
            h.counts[i] = cumulative[i] - before;
            before = cumulative[i];
        }
        h.sum = sum;
        return h;
    }

    public void observe(double value) {
        int i = 0;
        while (i < bounds.size() && value > bounds.get(i)) {
            i++;
        }
        counts[i]++;
        sum += value;
    }

    public List<Double> bounds() {
        return bounds;
    }

    /** The observations at most {@code bounds().get(i)}; {@code i == bounds().size()} is +Inf, i.e. the count. */
    public long cumulative(int i) {
        long n = 0;
        for (int j = 0; j <= i; j++) {
            n += counts[j];
        }
        return n;
    }

    public long count() {
        return cumulative(bounds.size());
    }

    public double sum() {
        return sum;
    }

    Histogram copy() {
        Histogram h = new Histogram(bounds);
        System.arraycopy(counts, 0, h.counts, 0, counts.length);
        h.sum = sum;
        return h;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Histogram h
                && bounds.equals(h.bounds)
                && Arrays.equals(counts, h.counts)
                && Double.compare(sum, h.sum) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "Histogram" + Arrays.toString(counts) + " sum " + sum;
    }
}
