package org.slurmazure.power.resolve;

import java.util.List;

/**
 * The result of resolving nodes: the VM of each node that a group matches, in input order, and the nodes no group
 * matches (never dropped silently), also in input order. Each node appears once in one of the two lists.
 */
public record Resolution(List<VmTarget> targets, List<String> unmatched) {
    public Resolution {
        targets = List.copyOf(targets);
        unmatched = List.copyOf(unmatched);
    }

    /** True when every node was matched. */
    public boolean complete() {
        return unmatched.isEmpty();
    }
}
