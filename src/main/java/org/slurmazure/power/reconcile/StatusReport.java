package org.slurmazure.power.reconcile;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.json.JsonValue;

/**
 * {@code slurm-azure-power status}: both views of the node groups joined, one row per node with its verdict, the
 * tagged VMs that are no node's, as a table or as JSON. Read only: it records nothing.
 */
public final class StatusReport {
    private final List<Row> rows;
    private final List<VmState> strays;
    private final Instant now;

    private StatusReport(List<Row> rows, List<VmState> strays, Instant now) {
        this.rows = rows;
        this.strays = strays;
        this.now = now;
    }

    /** Looks at {@code nodes}; "since" comes from the reconcile passes' memory when there is one. */
    public static StatusReport of(FleetView.Fleet fleet, Config config, Instant now) {
        return new StatusReport(
                Survey.rows(fleet, config, Memory.load(config.stateDir()), now, false), fleet.strays(), now);
    }

    public List<Row> rows() {
        return rows;
    }

    /** True when every node agrees. */
    public boolean allOk() {
        return strays.isEmpty() && rows.stream().allMatch(r -> r.verdict() == Verdict.OK);
    }

    public void printTable(PrintWriter out) {
        String format = "%-14s %-34s %-15s %-24s %-14s %-15s %-7s %-13s %s%n";
        out.printf(
                format,
                "NODE",
                "SLURM STATE",
                "NODEADDR",
                "VM",
                "POWER",
                "PRIVATE IP",
                "SINCE",
                "VERDICT",
                "REASON / WHY");
        for (Row r : rows) {
            Observation o = r.observation();
            String addr = o.slurm() == null ? "-" : o.slurm().addr();
            String why = r.verdict() == Verdict.OK
                    ? orDash(r.reason())
                    : r.judgement().why() + (r.reason() == null ? "" : " [" + r.reason() + "]");
            out.printf(
                    format,
                    r.node(),
                    r.slurmState(),
                    addr,
                    o.vm().toString(),
                    r.powerState(),
                    orDash(o.privateIp()),
                    since(r),
                    r.verdict().label(),
                    why);
        }
        for (VmState s : strays) {
            out.printf(
                    format,
                    "-",
                    "-",
                    "-",
                    s.ref().toString(),
                    s.powerState().label(),
                    "-",
                    "-",
                    Verdict.STRAY.label(),
                    "tagged, but no node's VM: left alone");
        }
        out.flush();
    }

    public void printJson(PrintWriter out) {
        List<JsonValue> nodes = new ArrayList<>();
        for (Row r : rows) {
            Observation o = r.observation();
            nodes.add(JsonValue.objectBuilder()
                    .put("node", r.node())
                    .put("slurmState", o.slurm() == null ? null : o.slurm().state())
                    .put("reason", r.reason())
                    .put("nodeAddr", o.slurm() == null ? null : o.slurm().addr())
                    .put("vm", o.vm().resourceId())
                    .put("powerState", r.powerState())
                    .put("privateIp", o.privateIp())
                    .put("verdict", r.verdict().label())
                    .put("why", r.judgement().why())
                    .put(
                            "sinceSeconds",
                            r.verdict() == Verdict.OK ? null : r.age(now).toSeconds())
                    .put("reconcileActsNow", r.due())
                    .build());
        }
        List<JsonValue> stray = new ArrayList<>();
        for (VmState s : strays) {
            stray.add(JsonValue.objectBuilder()
                    .put("vm", s.ref().resourceId())
                    .put("powerState", s.powerState().label())
                    .build());
        }
        out.println(JsonValue.objectBuilder()
                .put("nodes", JsonValue.array(nodes))
                .put("strays", JsonValue.array(stray))
                .build()
                .toPrettyString());
        out.flush();
    }

    private String since(Row r) {
        if (r.verdict() != Verdict.OK && r.age(now).toSeconds() > 0) {
            return age(r.age(now));
        }
        Instant reasonTime =
                r.observation().slurm() == null ? null : r.observation().slurm().reasonTime();
        return reasonTime == null ? "-" : age(Duration.between(reasonTime, now));
    }

    private static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
    }

    private static String orDash(@Nullable String s) {
        return s == null ? "-" : s;
    }
}
