package org.slurmazure.power.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md documents every metric, names none that does not exist, and its alerting rules and panel parse as
 * YAML and JSON.
 */
class MetricsDocumentationTest {
    static final Path DOC = Path.of("docs/metrics.md");

    @Test
    void everyMetricIsInTheTableAndEveryNameTheDocumentUsesExists() throws Exception {
        String doc = Files.readString(DOC);

        List<String> undocumented = new ArrayList<>();
        Set<String> known = new TreeSet<>();
        for (Family f : Family.values()) {
            if (!doc.contains("| `" + f.metricName() + "` | " + f.type().label() + " |")) {
                undocumented.add(f.metricName());
            }
            known.add(f.metricName());
            if (f.type() == Family.Type.HISTOGRAM) {
                known.add(f.metricName() + "_bucket");
                known.add(f.metricName() + "_sum");
                known.add(f.metricName() + "_count");
            }
        }
        Set<String> unknown = new TreeSet<>();
        Matcher m = Pattern.compile("slurm_azure_power_[a-z_]+").matcher(doc);
        while (m.find()) {
            if (!known.contains(m.group()) && !m.group().equals("slurm_azure_power_")) {
                unknown.add(m.group());
            }
        }

        assertEquals(List.of(), undocumented);
        assertEquals(Set.of(), unknown);
    }

    @Test
    void theGrafanaPanelIsJson() throws Exception {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("```json\n");
        assertTrue(start >= 0, "no JSON block");
        String json = doc.substring(start + 8, doc.indexOf("```", start + 8));

        assertEquals("timeseries", new ObjectMapper().readTree(json).path("type").asText());
    }

    @Test
    void theAlertingRulesAreYamlWithTheThreeAlertsAndTheWatchOfTheReconcilePass() throws Exception {
        String doc = Files.readString(DOC);
        Matcher block = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(doc);
        List<String> alerts = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

        while (block.find()) {
            JsonNode root = yaml.readTree(block.group(1));
            for (JsonNode rule : root.isArray() ? root : root.path("groups").path(0).path("rules")) {
                assertTrue(rule.path("expr").asText().contains("slurm_azure_power_"), rule.toString());
                alerts.add(rule.path("alert").asText());
            }
        }

        assertEquals(List.of("SlurmAzureResumeFailures", "SlurmAzureOrphanVms", "SlurmAzureThrottled",
                "SlurmAzureReconcileNotRunning"), alerts);
    }
}
