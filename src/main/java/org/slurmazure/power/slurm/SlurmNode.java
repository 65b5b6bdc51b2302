package org.slurmazure.power.slurm;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One node as {@code scontrol show node --oneliner} prints it: the one form every Slurm version from 22.05 to 26.05
 * prints the same way (the JSON form changes with each data_parser version). Only the fields the programs use.
 *
 * @param name       NodeName
 * @param state      State, e.g. {@code IDLE+CLOUD+POWERED_DOWN}
 * @param addr       NodeAddr
 * @param reason     Reason without Slurm's {@code [user@time]} suffix, "" when there is none
 * @param reasonTime when the reason was set (the suffix's time, local time of slurmctld), or null
 */
public record SlurmNode(
        String name,
        String state,
        String addr,
        String reason,
        @Nullable Instant reasonTime) {
    private static final Pattern FIELD = Pattern.compile("(?:^| )([A-Za-z]+)=(\\S*)");
    private static final Pattern REASON =
            Pattern.compile(" Reason=(.*?)(?: \\[[^\\]@]+@([^\\]]+)\\])?(?= [A-Za-z]+=|$)");

    /** Parses one line; null for a line that is not a node. */
    public static @Nullable SlurmNode parse(String line, ZoneId zone) {
        String l = line.strip();
        if (!l.startsWith("NodeName=")) {
            return null;
        }
        Matcher m = REASON.matcher(l);
        String reason = "";
        Instant reasonTime = null;
        if (m.find()) {
            reason = m.group(1).strip();
            if (m.group(2) != null) {
                try {
                    reasonTime = LocalDateTime.parse(m.group(2)).atZone(zone).toInstant();
                } catch (DateTimeParseException e) {
                    reasonTime = null;
                }
            }
        }
        if (reason.equals("(null)") || reason.equals("none")) {
            reason = "";
        }
        return new SlurmNode(field(l, "NodeName"), field(l, "State"), field(l, "NodeAddr"), reason, reasonTime);
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

    /** The state's parts: the base state first, then its flags, e.g. [IDLE, CLOUD, POWERED_DOWN]. */
    public List<String> flags() {
        return List.of(state.split("\\+", -1));
    }

    public boolean has(String flag) {
        return flags().contains(flag);
    }

    /** The base state: IDLE, ALLOCATED, MIXED, DOWN, ... */
    public String base() {
        return flags().get(0);
    }

    /** Powered down, and not on its way up: Slurm counts its VM as off (and not billing). */
    public boolean poweredDown() {
        return has("POWERED_DOWN") && !has("POWERING_UP");
    }

    public boolean poweringUp() {
        return has("POWERING_UP");
    }

    public boolean poweringDown() {
        return has("POWERING_DOWN");
    }

    /** Powered up in Slurm's eyes: no power flag; Slurm counts on its VM running. */
    public boolean up() {
        return !has("POWERED_DOWN") && !has("POWERING_UP") && !has("POWERING_DOWN") && !has("POWER_DOWN");
    }

    public boolean down() {
        return base().equals("DOWN");
    }

    public boolean drained() {
        return has("DRAIN") || base().equals("DRAINED") || base().equals("DRAINING");
    }

    /** The reason is one this tool gave ({@code azure: ...}). */
    public boolean azureReason() {
        return reason.startsWith("azure:");
    }
}
