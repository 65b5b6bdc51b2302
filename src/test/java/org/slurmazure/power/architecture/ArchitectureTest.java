package org.slurmazure.power.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The tree says what each part is, and this keeps it so: which of the project's packages each package may use, and
 * that the pure packages do no I/O. Read from the sources (imports and fully qualified names).
 */
class ArchitectureTest {
    static final Path MAIN = Path.of("src/main/java/org/slurmazure/power");
    static final String BASE = "org.slurmazure.power.";

    /** Each package and the project packages it may use (besides itself). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("text", Set.of()),
            // JSON read and written with jackson-core only (no jackson-databind: docs/native-image.md)
            Map.entry("json", Set.of()),
            Map.entry("domain", Set.of("text")),
            Map.entry("hostlist", Set.of()),
            Map.entry("config", Set.of("hostlist", "text")),
            Map.entry("resolve", Set.of("config", "hostlist")),
            Map.entry("metrics", Set.of("domain")),
            Map.entry("metrics.textfile", Set.of("metrics")),
            Map.entry("cloud", Set.of("domain")),
            Map.entry("cloud.azure", Set.of("cloud", "domain", "json", "text")),
            Map.entry("slurm", Set.of("domain", "hostlist", "json", "text")),
            Map.entry("log", Set.of("text")),
            Map.entry("engine", Set.of("cloud", "config", "domain", "metrics", "resolve", "slurm", "text")),
            Map.entry("startup", Set.of("cloud.azure")),
            Map.entry("reconcile", Set.of("cloud", "config", "domain", "engine", "json", "metrics", "resolve", "slurm")),
            Map.entry("doctor", Set.of("cloud", "config", "domain", "hostlist", "slurm", "text")),
            Map.entry("cli", Set.of("cloud", "cloud.azure", "config", "doctor", "domain", "engine", "hostlist", "json",
                    "log", "metrics", "metrics.textfile", "reconcile", "resolve", "slurm", "startup", "text")),
            // the native image's main class (docs/native-image.md): sets java.home, then runs the CLI
            Map.entry("nativeimage", Set.of("cli")));

    /** Pure packages: no I/O, no process, no network, no clock-dependent framework, no third-party library. */
    static final Set<String> PURE = Set.of("text", "domain", "hostlist", "resolve", "doctor", "metrics");
    static final Pattern IO = Pattern.compile("^import (java\\.io\\.|java\\.nio\\.file\\.|java\\.net\\.|"
            + "java\\.lang\\.ProcessBuilder|com\\.azure\\.|com\\.fasterxml\\.|picocli\\.|ch\\.qos\\.|org\\.slf4j\\.)",
            Pattern.MULTILINE);
    static final Pattern REFERENCE = Pattern.compile("\\borg\\.slurmazure\\.power\\.([a-z.]+?)\\.[A-Z]");

    @Test
    void everyPackageIsDeclaredHere() throws IOException {
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages());
    }

    @Test
    void packagesUseOnlyWhatTheirRoleAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                String used = m.group(1);
                if (!used.equals(pkg) && !ALLOWED.getOrDefault(pkg, Set.of()).contains(used)) {
                    violations.add(MAIN.relativize(file) + " (" + pkg + ") uses " + used);
                }
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", new TreeSet<>(violations)));
    }

    @Test
    void purePackagesDoNoIo() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            if (PURE.contains(packageOf(file))) {
                Matcher m = IO.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (m.find()) {
                    violations.add(MAIN.relativize(file) + ": " + m.group());
                }
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    private static TreeSet<String> packages() throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        for (Path file : sources()) {
            packages.add(packageOf(file));
        }
        return packages;
    }

    private static String packageOf(Path file) {
        return MAIN.relativize(file.getParent()).toString().replace('/', '.');
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(p -> p.toString().endsWith(".java") && !p.getParent().equals(MAIN)).toList();
        }
    }
}
