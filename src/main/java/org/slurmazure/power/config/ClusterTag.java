package org.slurmazure.power.config;

import java.util.Objects;

/**
 * {@code cluster.tag}: only VMs carrying this tag (name and value) are ever started or deallocated. Azure compares tag
 * names case-insensitively and values case-sensitively.
 */
public record ClusterTag(String name, String value) {
    public ClusterTag {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** True when a VM's tags (as Azure returns them) carry this tag. */
    public boolean matches(java.util.Map<String, String> tags) {
        if (tags == null) {
            return false;
        }
        for (var e : tags.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return value.equals(e.getValue());
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
