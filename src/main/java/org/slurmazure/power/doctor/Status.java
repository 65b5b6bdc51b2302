package org.slurmazure.power.doctor;

/** The outcome of one check, from best to worst. */
public enum Status {
    /** As it should be. */
    PASS,
    /** Works, but not as well as it could, or could not be verified. */
    WARN,
    /** Will not work: the power programs fail, or leave nodes or VMs in the wrong state. */
    FAIL
}
