package org.slurmazure.power.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Every metric family of the textfile, in the order it is written (docs/metrics.md lists them). Names follow the
 * Prometheus conventions: one prefix, base units (seconds), {@code _total} for counters, {@code _timestamp_seconds}
 * for Unix times.
 */
public enum Family {
    RUNS(
            "runs_total",
            Type.COUNTER,
            "Runs of each program by result: ok (every node succeeded and Slurm was told), failed (some node failed"
                    + " or Slurm was not told; for reconcile, some action failed), error (the run could not work:"
                    + " scontrol, the state directory or the Azure credential; for reconcile, Slurm or Azure could not"
                    + " be read).",
            List.of("program", "result")),
    NODES(
            "nodes_total",
            Type.COUNTER,
            "Node outcomes of resume, suspend and resume-fail by result and failure class (class none when ok).",
            List.of("program", "result", "class")),
    SLURM_NOT_TOLD(
            "slurm_not_told_total",
            Type.COUNTER,
            "Node updates Slurm did not get (scontrol failing, missing or too slow): each is named in power_save.log.",
            List.of("program")),
    START_TO_RUNNING(
            "start_to_running_seconds",
            Type.HISTOGRAM,
            "Time from a resume's first start request for a VM to the VM seen running, per started VM.",
            List.of(),
            10,
            20,
            30,
            45,
            60,
            90,
            120,
            180,
            240,
            300,
            420,
            600),
    RUN_DURATION(
            "run_duration_seconds",
            Type.HISTOGRAM,
            "Wall time of each run, from the process's start to its summary line.",
            List.of("program"),
            1,
            2,
            5,
            10,
            20,
            30,
            45,
            60,
            90,
            120,
            180,
            300,
            420,
            600),
    AZURE_REQUESTS(
            "azure_requests_total",
            Type.COUNTER,
            "Requests sent to Azure Resource Manager (each retry counts).",
            List.of("program")),
    AZURE_THROTTLED(
            "azure_throttled_total",
            Type.COUNTER,
            "Requests Azure Resource Manager answered with 429 Too Many Requests.",
            List.of("program")),
    RETRY_AFTER_WAIT(
            "retry_after_wait_seconds_total",
            Type.COUNTER,
            "Time the Retry-After of Azure's 429 answers held requests back, reads and writes added.",
            List.of("program")),
    LAST_SUCCESS(
            "last_success_timestamp_seconds",
            Type.GAUGE,
            "When a run of each program last ended with result ok (Unix time).",
            List.of("program")),
    RECONCILE_VMS(
            "reconcile_vms",
            Type.GAUGE,
            "The node groups' VMs by power state, as the last reconcile pass saw them (missing VMs not counted).",
            List.of("power_state")),
    RECONCILE_NODES(
            "reconcile_nodes",
            Type.GAUGE,
            "Nodes by verdict of the last reconcile pass (stray counts tagged VMs that are no node's).",
            List.of("verdict")),
    RECONCILE_TIME(
            "reconcile_last_pass_timestamp_seconds",
            Type.GAUGE,
            "When the last reconcile pass ended (Unix time): the time of the reconcile gauges.",
            List.of());

    /** The prefix of every name. */
    public static final String PREFIX = "slurm_azure_power_";

    /** The exposition format's metric types used here. */
    public enum Type {
        COUNTER,
        GAUGE,
        HISTOGRAM;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String name;
    private final Type type;
    private final String help;

    @SuppressWarnings("ImmutableEnumChecker") // List.of: unmodifiable
    private final List<String> labels;

    @SuppressWarnings("ImmutableEnumChecker") // List.of: unmodifiable
    private final List<Double> buckets;

    Family(String name, Type type, String help, List<String> labels, double... buckets) {
        this.name = PREFIX + name;
        this.type = type;
        this.help = help;
        this.labels = labels;
        Double[] boxed = new Double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            boxed[i] = buckets[i];
        }
        this.buckets = List.of(boxed);
    }

    /** The full metric name (for a histogram, the base of its {@code _bucket}, {@code _sum} and {@code _count}). */
    public String metricName() {
        return name;
    }

    public Type type() {
        return type;
    }

    public String help() {
        return help;
    }

    /** The label names, in the order series list their values. */
    public List<String> labels() {
        return labels;
    }

    /** A histogram's upper bounds, ascending, without +Inf; empty for other types. */
    public List<Double> buckets() {
        return buckets;
    }
}
