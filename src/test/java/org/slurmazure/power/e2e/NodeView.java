package org.slurmazure.power.e2e;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code scontrol show node -o NAME}: the fields the harness looks at.
 *
 * @param name     NodeName
 * @param state    State, e.g. {@code IDLE+CLOUD+POWERED_DOWN}
 * @param addr     NodeAddr
 * @param hostname NodeHostName
 * @param reason   Reason without Slurm's {@code [user@time]} suffix, or "" when there is none
 * @param raw      the whole line
 */
record NodeView(String name, String state, String addr, String hostname, String reason, String raw) {
    private static final Pattern FIELD = Pattern.compile("(?:^| )([A-Za-z]+)=(\\S*)");
    private static final Pattern REASON = Pattern.compile(" Reason=(.*?)(?: \\[[^\\]@]+@[^\\]]+\\])?(?= \\w+=|$)");

    static NodeView parse(String line) {
        String l = line.strip();
        String name = field(l, "NodeName");
        String state = field(l, "State");
        String addr = field(l, "NodeAddr");
        String host = field(l, "NodeHostName");
        Matcher m = REASON.matcher(l);
        String reason = m.find() ? m.group(1).strip() : "";
        if (reason.equals("(null)")) {
            reason = "";
        }
        return new NodeView(name, state, addr, host, reason, l);
    }

    private static String field(String line, String key) {
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            if (m.group(1).equals(key)) {
                return m.group(2);
            }
        }
        return "";
    }

    /** The state's parts: base state then flags, e.g. [IDLE, CLOUD, POWERED_DOWN]. */
    List<String> flags() {
        return List.of(state.split("\\+"));
    }

    boolean has(String flag) {
        return flags().contains(flag);
    }

    /** The base state: IDLE, ALLOCATED, MIXED, DOWN, ... */
    String base() {
        return flags().get(0);
    }

    /** Idle and powered down, not down: what sinfo shows as {@code idle~}. */
    boolean poweredDownIdle() {
        return base().equals("IDLE") && has("POWERED_DOWN") && !has("POWERING_DOWN") && !has("POWERING_UP")
                && !has("DRAIN");
    }

    /** Powered up and registered: no power flag, not down, responding. */
    boolean up() {
        return !base().equals("DOWN") && !has("POWERED_DOWN") && !has("POWERING_UP") && !has("POWERING_DOWN")
                && !has("NOT_RESPONDING") && !has("POWER_DOWN");
    }

    /** A short form for timelines: state, then address and reason when they say something. */
    String summary() {
        return state + (addr.isEmpty() || addr.equals(name) ? "" : " NodeAddr=" + addr)
                + (reason.isEmpty() ? "" : " Reason=\"" + reason + "\"");
    }
}
