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

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/** docs/metrics.md documents every metric, names none that does not exist, and its panel JSON is JSON. */
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
}
