package org.slurmazure.power.domain;

import java.util.Locale;

/** A VM's power state, from the {@code PowerState/...} status of its instance view. */
public enum PowerState {
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    DEALLOCATING,
    DEALLOCATED,
    UNKNOWN;

    /** Parses a status code such as {@code PowerState/running}; anything else is UNKNOWN. */
    public static PowerState fromStatusCode(String code) {
        if (code == null || !code.regionMatches(true, 0, "PowerState/", 0, "PowerState/".length())) {
            return UNKNOWN;
        }
        try {
            return valueOf(code.substring("PowerState/".length()).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
