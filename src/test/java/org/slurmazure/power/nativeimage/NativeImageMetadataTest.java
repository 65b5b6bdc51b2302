package org.slurmazure.power.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slurmazure.power.cli.SlurmAzurePower;

/**
 * Native-image readiness (docs/native-image.md): the checked-in reachability metadata
 * (src/main/resources/META-INF/native-image/org.slurmazure/slurm-azure-power/) names every class of the program that
 * is reached by reflection: each picocli-annotated class (commands, mixins, option holders, version providers), each
 * class carrying a Jackson annotation (Jackson binds those by reflection), and each ServiceLoader provider the
 * program ships (the logback Configurator). It fails when such a class is added without metadata. What it cannot
 * check (the image builds and runs) needs a GraalVM host: {@code mvn -Pnative package}.
 */
class NativeImageMetadataTest {
    static final String METADATA = "META-INF/native-image/org.slurmazure/slurm-azure-power/";
    static final String PICOCLI_GENERATED = "META-INF/native-image/picocli-generated/org.slurmazure/slurm-azure-power/";
    static final Set<String> PICOCLI = Set.of("Command", "Option", "Parameters", "Mixin", "ArgGroup", "Spec",
            "ParentCommand", "Unmatched");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyPicocliAndJacksonAnnotatedClassHasReflectionMetadata() throws Exception {
        Set<String> registered = reflectConfigNames(readMetadata("reflect-config.json"));
        List<String> missing = new ArrayList<>();
        int picocli = 0;
        for (Class<?> c : mainClasses()) {
            boolean isPicocli = annotated(c, a -> a.annotationType().getName().startsWith("picocli.CommandLine$")
                    && PICOCLI.contains(a.annotationType().getSimpleName()));
            boolean isJackson = annotated(c, a -> a.annotationType().getName().startsWith("com.fasterxml.jackson."));
            picocli += isPicocli ? 1 : 0;
            if ((isPicocli || isJackson) && !registered.contains(c.getName())) {
                missing.add(c.getName() + (isPicocli ? " (picocli)" : " (Jackson)"));
            }
        }
        assertTrue(picocli >= 10, "found only " + picocli + " picocli classes: is the scan broken?");
        assertEquals(List.of(), missing, "classes reached by reflection without an entry in " + METADATA
                + "reflect-config.json (copy picocli-codegen's entry from target/classes/" + PICOCLI_GENERATED
                + "reflect-config.json, or add one for a Jackson-bound class)");
    }

    @Test
    void checkedInMetadataCoversPicocliCodegenOutputAndNamesOnlyExistingClasses() throws Exception {
        Set<String> registered = reflectConfigNames(readMetadata("reflect-config.json"));
        String generated = readResource(PICOCLI_GENERATED + "reflect-config.json");
        if (generated != null) { // written by the annotation processor at compile time
            Set<String> missing = new TreeSet<>(reflectConfigNames(json.readTree(generated)));
            missing.removeAll(registered);
            assertEquals(Set.of(), missing, "picocli-codegen generated entries missing from the checked-in metadata");
        }
        ClassLoader loader = getClass().getClassLoader();
        for (String name : registered) {
            Class.forName(name, false, loader); // throws for a stale entry
        }
    }

    @Test
    void serviceProvidersAndTheirServiceFilesAreRegistered() throws Exception {
        Set<String> registered = reflectConfigNames(readMetadata("reflect-config.json"));
        String resources = readMetadata("resource-config.json").toString();
        for (String service : List.of("ch.qos.logback.classic.spi.Configurator", "org.slf4j.spi.SLF4JServiceProvider")) {
            assertTrue(resources.contains("META-INF/services/" + service), service + " not in resource-config.json");
        }
        String own = readResource("META-INF/services/ch.qos.logback.classic.spi.Configurator");
        assertTrue(own != null, "the program's logback Configurator service file is gone");
        for (String line : own.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            assertTrue(registered.contains(line), line + " (a ServiceLoader provider) not in reflect-config.json");
        }
        assertTrue(registered.contains("ch.qos.logback.classic.spi.LogbackServiceProvider"));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private JsonNode readMetadata(String file) throws IOException {
        String text = readResource(METADATA + file);
        assertTrue(text != null, METADATA + file + " not on the class path");
        return json.readTree(text);
    }

    private static Set<String> reflectConfigNames(JsonNode reflectConfig) {
        Set<String> names = new TreeSet<>();
        JsonNode entries = reflectConfig.isArray() ? reflectConfig : reflectConfig.path("reflection");
        entries.forEach(e -> names.add(e.has("name") ? e.get("name").asText() : e.path("type").asText()));
        return names;
    }

    private String readResource(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The program's classes: every .class file in the directory (or jar) holding SlurmAzurePower. */
    private static List<Class<?>> mainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(SlurmAzurePower.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(root), "expected the main classes in a directory, found " + root);
        List<Class<?>> classes = new ArrayList<>();
        ClassLoader loader = NativeImageMetadataTest.class.getClassLoader();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (rel.endsWith("module-info.class") || rel.endsWith("package-info.class")) {
                    continue;
                }
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                classes.add(Class.forName(name, false, loader));
            }
        }
        return classes;
    }

    private static boolean annotated(Class<?> c, java.util.function.Predicate<Annotation> match) {
        List<AnnotatedElement> elements = new ArrayList<>();
        elements.add(c);
        elements.addAll(List.of(c.getDeclaredFields()));
        elements.addAll(List.of(c.getDeclaredMethods()));
        elements.addAll(List.of(c.getDeclaredConstructors()));
        for (AnnotatedElement e : elements) {
            for (Annotation a : e.getDeclaredAnnotations()) {
                if (match.test(a)) {
                    return true;
                }
            }
            if (e instanceof Executable x) {
                for (Annotation[] ps : x.getParameterAnnotations()) {
                    for (Annotation a : ps) {
                        if (match.test(a)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }
}
