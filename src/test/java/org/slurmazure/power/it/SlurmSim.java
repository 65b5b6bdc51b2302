package org.slurmazure.power.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A small model of slurmctld's cloud-node states, for the soak test: a few hundred nodes are too many for a real
 * slurmctld with one slurmd each on this machine. It answers the programs' {@code scontrol} (an executable script it
 * writes: {@code show node --oneliner} prints the model, {@code update ...} is appended to a calls file under a lock)
 * and applies the updates as slurmctld does, as measured on a real one (docs/slurm-states.md): {@code state=down},
 * {@code drain}, {@code resume}, {@code power_down_force}, NodeAddr. Time-driven transitions (ResumeTimeout,
 * SuspendTimeout) are the soak's to call.
 */
final class SlurmSim {
    /** One node: base state, flags, reason, address, and when its power transition began (ms). */
    static final class Node {
        final String name;
        String base = "IDLE";
        final Set<String> flags = new LinkedHashSet<>(List.of("CLOUD", "POWERED_DOWN"));
        String reason = "";
        String addr;
        long transitionSince;

        Node(String name) {
            this.name = name;
            this.addr = name;
        }

        boolean poweredDown() {
            return flags.contains("POWERED_DOWN") && !flags.contains("POWERING_UP");
        }

        boolean poweringUp() {
            return flags.contains("POWERING_UP");
        }

        boolean poweringDown() {
            return flags.contains("POWERING_DOWN");
        }

        boolean up() {
            return !flags.contains("POWERED_DOWN") && !poweringUp() && !poweringDown();
        }

        boolean down() {
            return base.equals("DOWN");
        }

        boolean drained() {
            return flags.contains("DRAIN");
        }

        String line() {
            return "NodeName=" + name + " Arch=x86_64 CoresPerSocket=1 State=" + base + "+" + String.join("+", flags)
                    + " NodeAddr=" + addr + " NodeHostName=" + name
                    + (reason.isEmpty() ? "" : " Reason=" + reason + " [slurm@2026-12-06T08:00:00]");
        }
    }

    final Map<String, Node> nodes = new TreeMap<>();
    final Path dir;
    final Path scontrol;
    private final Path calls;
    private long callsRead;
    /** Nodes power_down_force put in POWERING_DOWN, whose SuspendProgram the soak must run. */
    final List<String> toSuspend = new ArrayList<>();

    SlurmSim(Path dir, List<String> names) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.calls = dir.resolve("calls");
        this.scontrol = dir.resolve("scontrol");
        names.forEach(n -> nodes.put(n, new Node(n)));
        Files.writeString(scontrol, """
                #!/bin/bash
                # slurmctld as the soak test models it: show node prints the model, update is recorded (SlurmSim).
                dir="$(cd "$(dirname "$0")" && pwd)"
                if [ "$1" = show ]; then
                  [ "$2" = node ] && cat "$dir/nodes.txt"
                  exit 0
                fi
                exec 9>>"$dir/calls.lock"
                flock 9
                { printf '%s\\0' "$#"; for a in "$@"; do printf '%s\\0' "$a"; done; } >> "$dir/calls"
                exit 0
                """, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(scontrol, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(calls, "");
        Files.writeString(dir.resolve("calls.lock"), "");
        publish();
    }

    /** Writes what {@code show node} prints. */
    void publish() throws IOException {
        StringBuilder sb = new StringBuilder();
        nodes.values().forEach(n -> sb.append(n.line()).append('\n'));
        Path tmp = dir.resolve("nodes.txt.tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("nodes.txt"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Applies the updates recorded since the last call; returns them, each as its argument list. */
    List<List<String>> applyUpdates(long now) throws IOException {
        byte[] all = Files.readAllBytes(calls);
        String fresh = new String(all, (int) callsRead, all.length - (int) callsRead, StandardCharsets.UTF_8);
        callsRead = all.length;
        List<List<String>> updates = new ArrayList<>();
        String[] fields = fresh.split("\0", -1);
        int i = 0;
        while (i < fields.length - 1) {
            int argc = Integer.parseInt(fields[i++]);
            List<String> args = List.of(fields).subList(i, i + argc);
            i += argc;
            updates.add(args);
            apply(args, now);
        }
        publish();
        return updates;
    }

    private void apply(List<String> args, long now) {
        Map<String, String> kv = new TreeMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                kv.put(a.substring(0, eq), a.substring(eq + 1));
            }
        }
        String[] names = kv.getOrDefault("nodename", "").split(",");
        String[] addrs = kv.containsKey("nodeaddr") ? kv.get("nodeaddr").split(",") : null;
        for (int k = 0; k < names.length; k++) {
            Node n = nodes.get(names[k]);
            if (n == null) {
                continue;
            }
            if (addrs != null) {
                n.addr = addrs[k];
            }
            switch (kv.getOrDefault("state", "")) {
                case "down" -> {
                    n.base = "DOWN";
                    n.reason = kv.getOrDefault("reason", "");
                }
                case "drain" -> {
                    n.flags.add("DRAIN");
                    n.reason = kv.getOrDefault("reason", "");
                }
                case "resume" -> {
                    if (n.down() || n.drained()) {
                        n.base = "IDLE";
                        n.flags.remove("DRAIN");
                        n.reason = "";
                    }
                }
                case "power_down_force" -> {
                    // slurmctld's next power-save pass: IDLE+POWERING_DOWN, the SuspendProgram runs, reason kept.
                    n.base = "IDLE";
                    n.flags.removeAll(List.of("POWERED_DOWN", "POWERING_UP", "NOT_RESPONDING"));
                    n.flags.add("POWERING_DOWN");
                    n.transitionSince = now;
                    toSuspend.add(n.name);
                }
                default -> {
                    // an address only
                }
            }
        }
    }

    /** slurmctld resumes these idle~ nodes for a job: ALLOCATED+POWERING_UP; returns those it resumed. */
    List<String> beginResume(List<String> names, long now) {
        List<String> resumed = new ArrayList<>();
        for (String name : names) {
            Node n = nodes.get(name);
            if (n.poweredDown() && !n.down() && !n.drained() && !n.poweringDown()) {
                n.base = "ALLOCATED";
                n.flags.remove("POWERED_DOWN");
                n.flags.add("POWERING_UP");
                n.flags.add("NOT_RESPONDING");
                n.transitionSince = now;
                resumed.add(name);
            }
        }
        return resumed;
    }

    /** A node whose VM runs registers: it is up. */
    void registered(String name) {
        Node n = nodes.get(name);
        if (n.poweringUp() && !n.down()) {
            n.flags.remove("POWERING_UP");
            n.flags.remove("NOT_RESPONDING");
        }
    }

    /** Its jobs are done and SuspendTime has passed: slurmctld suspends these up nodes. */
    List<String> beginSuspend(List<String> names, long now) {
        List<String> suspended = new ArrayList<>();
        for (String name : names) {
            Node n = nodes.get(name);
            if (n.up() && !n.down() && !n.drained()) {
                n.base = "IDLE";
                n.flags.add("POWERING_DOWN");
                n.transitionSince = now;
                suspended.add(name);
            }
        }
        return suspended;
    }

    /**
     * ResumeTimeout: powering-up nodes older than it become DOWN+POWERED_DOWN ("ResumeTimeout reached"), returned for
     * the ResumeFailProgram. SuspendTimeout: powering-down nodes become POWERED_DOWN.
     */
    List<String> timers(long now, long resumeTimeoutMs, long suspendTimeoutMs) {
        List<String> failed = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (n.poweringUp() && now - n.transitionSince >= resumeTimeoutMs) {
                n.base = "DOWN";
                n.flags.removeAll(List.of("POWERING_UP", "NOT_RESPONDING", "DRAIN"));
                n.flags.add("POWERED_DOWN");
                n.reason = "ResumeTimeout reached";
                n.addr = n.name;
                failed.add(n.name);
            } else if (n.poweringDown() && now - n.transitionSince >= suspendTimeoutMs) {
                n.flags.remove("POWERING_DOWN");
                n.flags.add("POWERED_DOWN");
                n.addr = n.name;
            }
        }
        return failed;
    }
}
