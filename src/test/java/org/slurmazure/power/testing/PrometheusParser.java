package org.slurmazure.power.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;

/**
 * A textfile read by a real exposition-format parser: {@code prometheus_client.parser.text_string_to_metric_families}
 * of the Prometheus Python client (Debian: {@code python3-prometheus-client}, which {@code .ci/run} installs). Without
 * it the test fails and says so, unless {@code -Dmetrics.parser.skip=true}.
 */
public final class PrometheusParser {
    /** Parses the file and prints the families as JSON (the client keeps a counter's name without _total). */
    private static final String SCRIPT = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            with open(sys.argv[1], encoding="utf-8") as f:
                text = f.read()
            print(json.dumps([{"name": m.name, "type": m.type, "help": m.documentation,
                               "samples": [{"name": s.name, "labels": s.labels, "value": s.value}
                                           for s in m.samples]}
                              for m in text_string_to_metric_families(text)]))
            """;

    /** One family as the parser saw it. */
    public record MetricFamily(String name, String type, String help, List<Sample> samples) {}

    /** One sample as the parser saw it. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private PrometheusParser() {
    }

    /** The python3 that has prometheus_client: Debian's first (pyenv and venvs on PATH may lack it). */
    public static String python() {
        if (Boolean.getBoolean("metrics.parser.skip")) {
            Assumptions.abort("the exposition-format parser is skipped (-Dmetrics.parser.skip=true)");
        }
        List<String> tried = new ArrayList<>();
        for (String python : List.of("/usr/bin/python3", "python3")) {
            Cmd.Result r = Cmd.of(python, "-c", "import prometheus_client.parser").run();
            if (r.ok()) {
                return python;
            }
            tried.add(python + ": " + (r.err().isBlank() ? "exit " + r.exitCode() : r.err().strip().lines()
                    .reduce((a, b) -> b).orElse("")));
        }
        return fail("This test reads the metrics textfile with Prometheus' own parser, the Python client's "
                + "prometheus_client.parser, and cannot run here: " + String.join("; ", tried) + ". Install it "
                + "(Debian: apt-get install python3-prometheus-client; .ci/run does), or skip this check with "
                + "-Dmetrics.parser.skip=true.");
    }

    /** The families of the file, in file order. */
    public static List<MetricFamily> parse(Path file) throws Exception {
        Cmd.Result r = Cmd.of(python(), "-c", SCRIPT, file.toString()).run();
        if (!r.ok()) {
            fail("prometheus_client could not parse " + file + ": " + r);
        }
        List<MetricFamily> families = new ArrayList<>();
        for (JsonNode f : new ObjectMapper().readTree(r.out())) {
            List<Sample> samples = new ArrayList<>();
            for (JsonNode s : f.path("samples")) {
                Map<String, String> labels = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = s.path("labels").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    labels.put(e.getKey(), e.getValue().asText());
                }
                samples.add(new Sample(s.path("name").asText(), labels, s.path("value").asDouble()));
            }
            families.add(new MetricFamily(f.path("name").asText(), f.path("type").asText(), f.path("help").asText(),
                    samples));
        }
        return families;
    }
}
