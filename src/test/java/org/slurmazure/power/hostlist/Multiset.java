package org.slurmazure.power.hostlist;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** Names with their number of occurrences, for comparing hostlists regardless of order. */
final class Multiset {
    private Multiset() {
    }

    static Map<String, Integer> of(Collection<String> names) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String name : names) {
            counts.merge(name, 1, Integer::sum);
        }
        return counts;
    }
}
