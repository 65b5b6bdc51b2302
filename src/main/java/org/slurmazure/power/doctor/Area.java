package org.slurmazure.power.doctor;

import java.util.Locale;

/** What a check looks at. */
public enum Area {
    CONFIG,
    SLURM,
    AZURE,
    NETWORK;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
