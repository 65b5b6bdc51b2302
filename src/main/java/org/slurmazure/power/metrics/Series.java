package org.slurmazure.power.metrics;

import java.util.List;
import java.util.Objects;

/**
 * One time series: a family and the values of its labels, in the order of {@link Family#labels()}.
 *
 * @param family the family
 * @param labels one value per label name of the family
 */
public record Series(Family family, List<String> labels) implements Comparable<Series> {

    public Series {
        Objects.requireNonNull(family, "family");
        labels = List.copyOf(labels);
        if (labels.size() != family.labels().size()) {
            throw new IllegalArgumentException(
                    family.metricName() + " has the labels " + family.labels() + ", got the values " + labels);
        }
    }

    public static Series of(Family family, String... labels) {
        return new Series(family, List.of(labels));
    }

    /** By family (in {@link Family} order), then by label values. */
    @Override
    public int compareTo(Series o) {
        int c = family.compareTo(o.family);
        for (int i = 0; c == 0 && i < labels.size(); i++) {
            c = labels.get(i).compareTo(o.labels.get(i));
        }
        return c;
    }
}
