package org.slurmazure.power.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The shipped example (etc/azure-power.example.yaml) is valid and documents every key, and so does README's
 * configuration reference. The example names credential files that do not exist on a test machine: missing files
 * are warnings, not errors, so the example is checked once against a file system where every file exists with
 * safe permissions (no warning at all), and once against the real one (no error).
 */
class ConfigExampleTest {
    private static final Path EXAMPLE = Path.of("etc", "azure-power.example.yaml");
    private static final Path README = Path.of("README.md");

    /** Every path exists: the state directory as a directory, everything else as a file only its owner can read. */
    private static final FileChecks EVERYTHING_PRESENT = path -> new FileInfo(path,
            path.equals(Config.DEFAULT_STATE_DIR) ? FileInfo.Kind.DIRECTORY : FileInfo.Kind.FILE,
            Optional.of(PosixFilePermissions.fromString("rwx------")), Optional.of("slurm"), 100, true, true, true,
            Optional.empty());

    @Test
    void givenExample_whenLoadedWhereEveryFileExists_thenItIsValidWithoutWarnings() {
        ConfigReport report = ConfigLoader.check(EXAMPLE, EVERYTHING_PRESENT);

        assertEquals(List.of(), report.errors());
        assertEquals(List.of(), report.warnings());
        Config config = report.config().orElseThrow();
        assertEquals(List.of("burst", "gpu"), config.nodeGroups().stream().map(NodeGroup::name).toList());
        assertEquals("hpc1-gpu01", config.nodeGroups().get(1).vmName("gpu01"));
        assertEquals(Limits.defaults(), config.limits());
        assertEquals(new SlurmSettings(SlurmSettings.DEFAULT_SCONTROL, true), config.slurm());
        assertEquals(new LogSettings(LogSettings.DEFAULT_FILE, LogSettings.DEFAULT_LEVEL), config.log());
        assertEquals(Config.DEFAULT_STATE_DIR, config.stateDir());
    }

    @Test
    void givenExample_whenLoadedOnThisMachine_thenMissingFilesAreOnlyWarnings() {
        ConfigReport report = ConfigLoader.check(EXAMPLE);

        assertEquals(List.of(), report.errors());
    }

    @Test
    void givenExample_whenRead_thenEveryKeyAppearsInIt() throws Exception {
        String example = Files.readString(EXAMPLE);

        List<String> undocumented = new ArrayList<>();
        for (Map.Entry<String, List<String>> section : ConfigKeys.SECTIONS.entrySet()) {
            for (String key : section.getValue()) {
                if (!example.contains(key + ":")) {
                    undocumented.add(fullKey(section.getKey(), key));
                }
            }
        }

        assertEquals(List.of(), undocumented);
    }

    @Test
    void givenReadme_whenItsConfigurationReferenceIsRead_thenEveryKeyIsDocumented() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf("## Configuration reference");
        assertTrue(start >= 0, "README has no configuration reference");
        int end = readme.indexOf("\n## ", start + 3);
        String reference = readme.substring(start, end < 0 ? readme.length() : end);

        List<String> undocumented = new ArrayList<>();
        for (Map.Entry<String, List<String>> section : ConfigKeys.SECTIONS.entrySet()) {
            for (String key : section.getValue()) {
                String full = fullKey(section.getKey(), key);
                if (!reference.contains("`" + full + "`")) {
                    undocumented.add(full);
                }
            }
        }

        assertEquals(List.of(), undocumented);
    }

    private static String fullKey(String section, String key) {
        return section.isEmpty() ? key : section + "." + key;
    }
}
