package org.slurmazure.power.emulator;

import java.util.Locale;

/** The power states Azure reports in a VM's instance view ({@code PowerState/<id>}). */
public enum PowerState {
    DEALLOCATED("deallocated", "VM deallocated"),
    STARTING("starting", "VM starting"),
    RUNNING("running", "VM running"),
    STOPPING("stopping", "VM stopping"),
    STOPPED("stopped", "VM stopped"),
    DEALLOCATING("deallocating", "VM deallocating");

    private final String id;
    private final String displayStatus;

    PowerState(String id, String displayStatus) {
        this.id = id;
        this.displayStatus = displayStatus;
    }

    /** The lower-case name used in status codes, the events file and the admin API: {@code running}. */
    public String id() {
        return id;
    }

    /** The instance-view status code: {@code PowerState/running}. */
    public String code() {
        return "PowerState/" + id;
    }

    /** The instance-view display status: {@code VM running}. */
    public String displayStatus() {
        return displayStatus;
    }

    /** True while an operation moves the VM between two stable states. */
    public boolean isTransitional() {
        return this == STARTING || this == STOPPING || this == DEALLOCATING;
    }

    /** Parses {@code running}, {@code RUNNING} or {@code PowerState/running}. */
    public static PowerState parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("powerstate/")) {
            s = s.substring("powerstate/".length());
        }
        for (PowerState p : values()) {
            if (p.id.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown power state '" + text + "' (one of deallocated, starting, running, "
                + "stopping, stopped, deallocating)");
    }

    @Override
    public String toString() {
        return id;
    }
}
