package org.slurmazure.power.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code power_save.log} read back as program runs. A line is {@code <time> <LEVEL> [<pid>] <message>}; a run
 * starts with {@code User <user> invoked <Resume|Suspend|ResumeFail> <program> <hostlist>} and owns every later line
 * of its pid; node lines are {@code node=... vm=... action=... result=ok|failed ...}.
 */
final class PowerSaveLog {
    private static final Pattern LINE = Pattern.compile("^(\\S+) (\\w+)\\s+\\[(\\d+)\\] (.*)$");
    private static final Pattern INVOKED =
            Pattern.compile("^User (\\S+) invoked (\\w+) (\\S+) (\\S+)(?: \\(arguments: (.*)\\))?$");
    private static final Pattern WALL = Pattern.compile("^summary: .* wall (\\d+(?:\\.\\d+)?)s.*");
    private static final Pattern KV = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

    /** One log line. */
    record Entry(Instant time, String level, long pid, String message) {
        @Override
        public String toString() {
            return time + " " + level + " [" + pid + "] " + message;
        }
    }

    /** A node line's fields (node, vm, action, result, state, ip, duration, jobs, class, detail) and its time. */
    record NodeLine(Instant time, Map<String, String> fields, String text) {
        String get(String key) {
            return fields.getOrDefault(key, "");
        }

        boolean ok() {
            return get("result").equals("ok");
        }

        List<String> jobs() {
            String j = get("jobs");
            return j.isEmpty() || j.equals("-") ? List.of() : List.of(j.split(","));
        }
    }

    /** One invocation of a program and what it logged. */
    record Run(long pid, Instant invoked, String user, String mode, String program, String hostlist,
            String arguments, List<Entry> entries, List<NodeLine> nodeLines) {
        /** The summary line, once the run has written it. */
        Optional<Entry> summary() {
            return entries.stream().filter(e -> WALL.matcher(e.message()).matches()).findFirst();
        }

        /**
         * When the process started: its summary's time less its wall time (which counts from the process's start,
         * JVM start-up included); before the summary, the invocation line's time (later by the start-up).
         */
        Instant started() {
            return summary().map(e -> {
                Matcher m = WALL.matcher(e.message());
                m.matches();
                return e.time().minusMillis(Math.round(Double.parseDouble(m.group(1)) * 1000));
            }).orElse(invoked);
        }

        Optional<NodeLine> node(String name) {
            return nodeLines.stream().filter(n -> n.get("node").equals(name)).findFirst();
        }

        Optional<Entry> find(String text) {
            return entries.stream().filter(e -> e.message().contains(text)).findFirst();
        }
    }

    private final List<Entry> entries;
    private final List<Run> runs;

    private PowerSaveLog(List<Entry> entries, List<Run> runs) {
        this.entries = entries;
        this.runs = runs;
    }

    static PowerSaveLog read(Path file) {
        String text;
        try {
            text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            text = "";
        }
        return parse(text);
    }

    static PowerSaveLog parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                Instant t;
                try {
                    t = OffsetDateTime.parse(m.group(1)).toInstant();
                } catch (RuntimeException e) {
                    continue;
                }
                entries.add(new Entry(t, m.group(2), Long.parseLong(m.group(3)), m.group(4)));
            } else if (!entries.isEmpty() && !line.isBlank()) {
                Entry last = entries.remove(entries.size() - 1);
                entries.add(new Entry(last.time(), last.level(), last.pid(), last.message() + "\n" + line));
            }
        }
        Map<Long, Integer> openRun = new LinkedHashMap<>();
        List<Run> runs = new ArrayList<>();
        for (Entry e : entries) {
            Matcher inv = INVOKED.matcher(e.message());
            if (inv.matches()) {
                runs.add(new Run(e.pid(), e.time(), inv.group(1), inv.group(2), inv.group(3), inv.group(4),
                        inv.group(5) == null ? "" : inv.group(5), new ArrayList<>(List.of(e)), new ArrayList<>()));
                openRun.put(e.pid(), runs.size() - 1);
                continue;
            }
            Integer idx = openRun.get(e.pid());
            if (idx == null) {
                continue;
            }
            Run r = runs.get(idx);
            r.entries().add(e);
            // an outcome line has a result; other lines about a node (clean-up, "Slurm was not told") do not
            if (e.message().startsWith("node=") && e.message().contains(" result=")) {
                Map<String, String> f = new LinkedHashMap<>();
                Matcher kv = KV.matcher(e.message());
                while (kv.find()) {
                    String v = kv.group(2);
                    f.putIfAbsent(kv.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
                }
                r.nodeLines().add(new NodeLine(e.time(), f, e.message()));
            }
        }
        return new PowerSaveLog(entries, runs);
    }

    List<Entry> entries() {
        return entries;
    }

    List<Run> runs() {
        return runs;
    }

    /** Runs of this program (Resume, Suspend, ResumeFail) that logged a line for this node, oldest first. */
    List<Run> runsFor(String mode, String node) {
        return runs.stream().filter(r -> r.mode().equals(mode) && r.node(node).isPresent()).toList();
    }

    /** The node lines of this program for this node, oldest first. */
    List<NodeLine> nodeLines(String mode, String node) {
        return runsFor(mode, node).stream().map(r -> r.node(node).orElseThrow()).toList();
    }

    /** The log lines of every run that touched this node: for failure messages. */
    String storyOf(String node) {
        StringBuilder sb = new StringBuilder();
        for (Run r : runs) {
            if (r.node(node).isPresent()) {
                sb.append("\n    ").append(r.entries().get(0));
                sb.append("\n    ").append(r.node(node).get().text());
            }
        }
        return sb.length() == 0 ? " (no line for " + node + ")" : sb.toString();
    }
}
