package org.slurmazure.power.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slurmazure.power.testing.SecretScan;

/**
 * Runs after every other test of the build (its own failsafe execution, post-integration-test): no output of any run
 * of the suite (stdout, stderr, power_save.log of the in-process, black-box, end-to-end and packaging tests) holds
 * any secret those runs used (client secrets, the signatures of the tokens the emulator issued, passwords).
 */
class SecretScanIT {

    @Test
    void noRunOfTheSuiteWroteASecretItUsed() throws IOException {
        Path dir = SecretScan.dir();
        Path secretsFile = dir.resolve("secrets.txt");
        Assumptions.assumeTrue(Files.exists(secretsFile), "no secret was recorded in " + secretsFile
                + " (only some tests ran): nothing to scan");
        Set<String> secrets = new LinkedHashSet<>(Files.readAllLines(secretsFile, StandardCharsets.UTF_8));
        secrets.removeIf(s -> s.length() < 6);

        List<Path> outputs = new ArrayList<>();
        Path build = dir.getParent();
        for (Path root : List.of(dir.resolve("outputs"), build.resolve("e2e-logs"),
                build.resolve("e2e-logs-installed"))) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(Files::isRegularFile).forEach(outputs::add);
                }
            }
        }
        assertFalse(secrets.isEmpty() || outputs.isEmpty(),
                "nothing to scan: " + secrets.size() + " secrets, " + outputs.size() + " outputs");

        List<String> leaks = new ArrayList<>();
        for (Path file : outputs) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    leaks.add(file + " holds \"" + secret.substring(0, 3) + "...\"");
                }
            }
        }
        assertTrue(leaks.isEmpty(), "secrets in outputs (" + outputs.size() + " scanned): " + leaks);
        System.out.println("secret scan: " + outputs.size() + " outputs, " + secrets.size() + " secrets, no leak");
    }
}
