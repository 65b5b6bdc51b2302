package org.slurmazure.power.reconcile;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;

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
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ArrayNode nodes = root.putArray("nodes");
        for (Row r : rows) {
            Observation o = r.observation();
            ObjectNode n = nodes.addObject();
            n.put("node", r.node());
            n.put("slurmState", o.slurm() == null ? null : o.slurm().state());
            n.put("reason", r.reason());
            n.put("nodeAddr", o.slurm() == null ? null : o.slurm().addr());
            n.put("vm", o.vm().resourceId());
            n.put("powerState", r.powerState());
            n.put("privateIp", o.privateIp());
            n.put("verdict", r.verdict().label());
            n.put("why", r.judgement().why());
            n.put("sinceSeconds", r.verdict() == Verdict.OK ? null : r.age(now).toSeconds());
            n.put("reconcileActsNow", r.due());
        }
        ArrayNode stray = root.putArray("strays");
        for (VmState s : strays) {
            stray.addObject()
                    .put("vm", s.ref().resourceId())
                    .put("powerState", s.powerState().label());
        }
        try {
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
