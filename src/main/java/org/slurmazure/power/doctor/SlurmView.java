package org.slurmazure.power.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;
import org.slurmazure.power.slurm.SlurmLimits;
import org.slurmazure.power.slurm.SlurmSnapshot;

/**
 * slurmctld as {@code scontrol show config}, {@code show partition --oneliner} and {@code show node --oneliner} print
 * it (the same on 22.05 to 26.05), parsed into what the checks need.
 *
 * @param config     {@code Key = value} of show config, in order; values as printed ({@code 600 sec}, {@code (null)})
 * @param partitions the partitions
 * @param nodes      every node slurmctld shows
 * @param limits     the version and timeouts, as the power programs read them
 */
public record SlurmView(Map<String, String> config, List<Partition> partitions, List<Node> nodes, SlurmLimits limits) {
    private static final Pattern CONFIG_LINE = Pattern.compile("(?m)^\\s*(\\w+)\\s*=\\s*(.*?)\\s*$");
    private static final Pattern FIELD = Pattern.compile("(?:^| )([A-Za-z_]+)=(\\S*)");
    private static final Pattern SECONDS = Pattern.compile("(\\d+)(?:\\s*sec)?");

    /**
     * One partition.
     *
     * @param fields its {@code Key=Value} fields as printed
     * @param nodes  its nodes, expanded ({@code Nodes=}); empty when it has none or they cannot be read
     */
    public record Partition(String name, Map<String, String> fields, List<String> nodes) {
        public Partition {
            fields = Map.copyOf(fields);
            nodes = List.copyOf(nodes);
        }

        /** A field, or null when absent. */
        public @Nullable String field(String key) {
            return fields.get(key);
        }
    }

    /**
     * One node.
     *
     * @param state      its state, e.g. {@code IDLE+CLOUD+POWERED_DOWN}
     * @param partitions the partitions it is in
     */
    public record Node(String name, String state, List<String> partitions) {
        public Node {
            partitions = List.copyOf(partitions);
        }

        public boolean cloud() {
            return List.of(state.split("\\+", -1)).contains("CLOUD");
        }
    }

    public SlurmView {
        config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
        partitions = List.copyOf(partitions);
        nodes = List.copyOf(nodes);
    }

    public static SlurmView parse(SlurmSnapshot snapshot) {
        Map<String, String> config = new LinkedHashMap<>();
        Matcher m = CONFIG_LINE.matcher(snapshot.config());
        while (m.find()) {
            config.putIfAbsent(m.group(1), m.group(2));
        }
        List<Partition> partitions = new ArrayList<>();
        for (String line : snapshot.partitions().lines().toList()) {
            Map<String, String> f = fields(line);
            String name = f.get("PartitionName");
            if (name != null) {
                partitions.add(new Partition(name, f, expand(f.get("Nodes"))));
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (String line : snapshot.nodes().lines().toList()) {
            Map<String, String> f = fields(line.strip());
            String name = f.get("NodeName");
            if (name != null) {
                String parts = f.getOrDefault("Partitions", "");
                nodes.add(new Node(
                        name,
                        f.getOrDefault("State", ""),
                        parts.isEmpty() || parts.equals("(null)") ? List.of() : List.of(parts.split(",", -1))));
            }
        }
        return new SlurmView(config, partitions, nodes, SlurmLimits.parse(snapshot.config(), snapshot.partitions()));
    }

    /** A show-config value, or null when absent or unset ({@code (null)}, {@code NONE}, empty). */
    public @Nullable String get(String key) {
        String v = config.get(key);
        return v == null || isUnset(v) ? null : v;
    }

    /** A show-config value as a comma-separated list in lower case; empty when unset. */
    public List<String> list(String key) {
        String v = get(key);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String item : v.split(",", -1)) {
            if (!item.isBlank()) {
                out.add(item.strip().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** The user slurmctld runs the programs as: {@code SlurmUser = slurm(64030)} gives {@code slurm}. */
    public Optional<String> slurmUser() {
        String v = get("SlurmUser");
        if (v == null) {
            return Optional.empty();
        }
        int paren = v.indexOf('(');
        return Optional.of((paren < 0 ? v : v.substring(0, paren)).strip());
    }

    /** {@code 600 sec} or {@code 600} as a duration; empty for anything else (NONE, INFINITE, GLOBAL, ...). */
    static Optional<Duration> seconds(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher s = SECONDS.matcher(value.strip());
        return s.matches() ? Optional.of(Duration.ofSeconds(Long.parseLong(s.group(1)))) : Optional.empty();
    }

    /** A whole number, or empty. */
    static Optional<Long> number(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static boolean isUnset(String value) {
        String v = value.strip();
        return v.isEmpty() || v.equals("(null)") || v.equalsIgnoreCase("none") || v.equalsIgnoreCase("n/a");
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            f.putIfAbsent(m.group(1), m.group(2));
        }
        return f;
    }

    private static List<String> expand(@Nullable String hostlist) {
        if (hostlist == null || isUnset(hostlist)) {
            return List.of();
        }
        try {
            return Hostlist.expand(hostlist);
        } catch (InvalidHostlistException e) {
            return List.of();
        }
    }
}
