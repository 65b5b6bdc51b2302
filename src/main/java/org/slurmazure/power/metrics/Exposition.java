package org.slurmazure.power.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The Prometheus text exposition format (version 0.0.4, what node_exporter's textfile collector reads): rendering a
 * {@link MetricsState}, and reading back what was rendered, which is how the counts are kept between runs.
 */
public final class Exposition {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private Exposition() {}

    /** What was read back: the state (the initial series, overwritten by those read) and the lines not used. */
    public record Parsed(MetricsState state, List<String> problems) {
        public Parsed {
            problems = List.copyOf(problems);
        }
    }

    /** Every family with series, with its HELP and TYPE lines, series in {@link Series} order. */
    public static String render(MetricsState state) {
        StringBuilder out = new StringBuilder();
        for (Family f : Family.values()) {
            List<String> lines = new ArrayList<>();
            if (f.type() == Family.Type.HISTOGRAM) {
                state.histograms().forEach((s, h) -> {
                    if (s.family() == f) {
                        histogram(lines, s, h);
                    }
                });
            } else {
                state.values().forEach((s, v) -> {
                    if (s.family() == f) {
                        lines.add(f.metricName() + labels(s, null) + " " + number(v));
                    }
                });
            }
            if (lines.isEmpty()) {
                continue;
            }
            out.append("# HELP ")
                    .append(f.metricName())
                    .append(' ')
                    .append(escapeHelp(f.help()))
                    .append('\n');
            out.append("# TYPE ")
                    .append(f.metricName())
                    .append(' ')
                    .append(f.type().label())
                    .append('\n');
            lines.forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    private static void histogram(List<String> lines, Series s, Histogram h) {
        String name = s.family().metricName();
        for (int i = 0; i <= h.bounds().size(); i++) {
            String le = i < h.bounds().size() ? number(h.bounds().get(i)) : "+Inf";
            lines.add(name + "_bucket" + labels(s, le) + " " + h.cumulative(i));
        }
        lines.add(name + "_sum" + labels(s, null) + " " + number(h.sum()));
        lines.add(name + "_count" + labels(s, null) + " " + h.count());
    }

    private static String labels(Series s, @Nullable String le) {
        List<String> names = s.family().labels();
        if (names.isEmpty() && le == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ",")
                    .append(names.get(i))
                    .append("=\"")
                    .append(escapeLabelValue(s.labels().get(i)))
                    .append('"');
        }
        if (le != null) {
            sb.append(names.isEmpty() ? "" : ",").append("le=\"").append(le).append('"');
        }
        return sb.append('}').toString();
    }

    /** A label value between double quotes: backslash, double quote and line feed escaped. */
    public static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** HELP text: backslash and line feed escaped. */
    public static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** A sample value: whole numbers without a fraction, others exactly (they read back to the same double). */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).toPlainString();
    }

    static double parseNumber(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                if (!text.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException("not a number: " + text);
                }
                yield Double.parseDouble(text);
            }
        };
    }

    /**
     * Reads back a rendered state. Series of families that no longer exist, with other labels, or histograms with
     * other buckets, are left out and named in {@link Parsed#problems()}: their counts start again at zero, which
     * Prometheus reads as a counter reset.
     */
    public static Parsed parse(String text) {
        MetricsState state = MetricsState.initial();
        List<String> problems = new ArrayList<>();
        Map<String, Family> byName = new HashMap<>();
        for (Family f : Family.values()) {
            byName.put(f.metricName(), f);
        }
        Map<Series, PendingHistogram> pending = new TreeMap<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                Sample sample = sample(line);
                Family f = byName.get(sample.name());
                if (f != null && f.type() != Family.Type.HISTOGRAM) {
                    Series s = series(f, sample.labels(), false);
                    if (f.type() == Family.Type.COUNTER && !(sample.value() >= 0)) {
                        throw new IllegalArgumentException("a counter below zero");
                    }
                    state.put(s, sample.value());
                    continue;
                }
                String suffix = null;
                for (String x : List.of("_bucket", "_sum", "_count")) {
                    if (sample.name().endsWith(x)) {
                        suffix = x;
                        f = byName.get(sample.name().substring(0, sample.name().length() - x.length()));
                    }
                }
                if (f == null || suffix == null || f.type() != Family.Type.HISTOGRAM) {
                    throw new IllegalArgumentException("no such metric");
                }
                Series s = series(f, sample.labels(), suffix.equals("_bucket"));
                PendingHistogram h = pending.computeIfAbsent(s, x -> new PendingHistogram());
                String le = sample.labels().get("le");
                if (le != null) {
                    h.buckets.put(parseNumber(le), count(sample.value()));
                } else if (suffix.equals("_sum")) {
                    h.sum = sample.value();
                } else {
                    h.count = count(sample.value());
                }
            } catch (IllegalArgumentException e) {
                problems.add("line " + (n + 1) + ": " + e.getMessage() + ": " + line);
            }
        }
        pending.forEach((s, h) -> {
            try {
                state.put(s, h.histogram(s.family()));
            } catch (IllegalArgumentException e) {
                problems.add(s.family().metricName() + labels(s, null) + ": " + e.getMessage());
            }
        });
        return new Parsed(state, problems);
    }

    /** The series of a sample, whose labels must be exactly the family's (and {@code le} for a bucket). */
    private static Series series(Family f, Map<String, String> labels, boolean bucket) {
        List<String> values = new ArrayList<>();
        for (String name : f.labels()) {
            String v = labels.get(name);
            if (v == null) {
                throw new IllegalArgumentException("label " + name + " missing");
            }
            values.add(v);
        }
        if (labels.size() != f.labels().size() + (bucket ? 1 : 0) || (bucket && !labels.containsKey("le"))) {
            throw new IllegalArgumentException("labels " + labels.keySet() + ", expected " + f.labels());
        }
        return new Series(f, values);
    }

    private static long count(double v) {
        if (!(v >= 0) || v != Math.rint(v) || v > Long.MAX_VALUE) {
            throw new IllegalArgumentException("not a count: " + v);
        }
        return (long) v;
    }

    /** A histogram's lines as read, until they are all there. */
    private static final class PendingHistogram {
        final Map<Double, Long> buckets = new TreeMap<>();
        double sum = Double.NaN;
        long count = -1;

        Histogram histogram(Family f) {
            List<Double> bounds = f.buckets();
            if (buckets.size() != bounds.size() + 1 || Double.isNaN(sum) || count < 0) {
                throw new IllegalArgumentException("incomplete, or buckets other than " + bounds);
            }
            long[] cumulative = new long[bounds.size() + 1];
            for (int i = 0; i < bounds.size(); i++) {
                Long c = buckets.get(bounds.get(i));
                if (c == null) {
                    throw new IllegalArgumentException("buckets other than " + bounds);
                }
                cumulative[i] = c;
            }
            Long inf = buckets.get(Double.POSITIVE_INFINITY);
            if (inf == null || inf != count) {
                throw new IllegalArgumentException("the +Inf bucket is not the count");
            }
            cumulative[bounds.size()] = inf;
            return Histogram.ofCumulative(bounds, cumulative, sum);
        }
    }

    /** One sample line: name, labels, value (a timestamp, if any, is ignored). */
    record Sample(String name, Map<String, String> labels, double value) {}

    static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        String[] rest = line.substring(i).strip().split("[ \t]+", -1);
        if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("expected a value (and a timestamp)");
        }
        return new Sample(name, labels, parseNumber(rest[0]));
    }

    /** Reads {@code name="value",...}} from {@code i}; returns the index after the closing brace. */
    private static int labels(String line, int i, Map<String, String> into) {
        while (true) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            if (i < line.length() && line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("a label without a value");
            }
            String name = line.substring(i, eq).strip();
            if (!LABEL_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a label name: " + name);
            }
            i = eq + 1;
            if (i >= line.length() || line.charAt(i) != '"') {
                throw new IllegalArgumentException("label " + name + ": expected a quoted value");
            }
            StringBuilder value = new StringBuilder();
            i++;
            while (true) {
                if (i >= line.length()) {
                    throw new IllegalArgumentException("label " + name + ": unterminated value");
                }
                char c = line.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("label " + name + ": unterminated value");
                    }
                    char e = line.charAt(i++);
                    switch (e) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw new IllegalArgumentException("label " + name + ": unknown escape \\" + e);
                    }
                } else {
                    value.append(c);
                }
            }
            if (into.put(name, value.toString()) != null) {
                throw new IllegalArgumentException("label " + name + " twice");
            }
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            } else if (i >= line.length() || line.charAt(i) != '}') {
                throw new IllegalArgumentException("expected , or } after label " + name);
            }
        }
    }
}
