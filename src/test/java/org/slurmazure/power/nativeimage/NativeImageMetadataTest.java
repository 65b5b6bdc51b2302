package org.slurmazure.power.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.azure.core.annotation.UnexpectedResponseExceptionType;
import com.azure.core.util.ExpandableStringEnum;
import com.azure.json.JsonReader;
import com.azure.json.JsonSerializable;
import com.azure.json.JsonWriter;
import org.junit.jupiter.api.Test;
import org.slurmazure.power.cli.SlurmAzurePower;

import picocli.CommandLine;

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
    /** The Azure SDK's reflection, found by running the image (docs/native-image.md), kept apart from the above. */
    static final String AZURE = METADATA + "azure/reflect-config.json";
    /**
     * The REST service interfaces whose operations the program calls (AzureCloudVms: get, list, listByResourceGroup,
     * start, deallocate of VirtualMachinesClient). azure-core decodes each operation's body, and its error body,
     * through the type's {@code fromJson}, found with getDeclaredMethods() next to {@code toJson}.
     */
    static final List<String> SERVICES = List.of(
            "com.azure.resourcemanager.compute.implementation.VirtualMachinesClientImpl$VirtualMachinesService");
    /**
     * The SDK jars on the image's class path that hold {@link ExpandableStringEnum}s, named by one class of each (the
     * pom's native profile leaves the network, storage, msi and authorization jars out). ExpandableStringEnum.fromString
     * creates every value through the subclass's no-arg constructor, found by reflection: without it the value is
     * null, silently (hundreds of times over while a class's constants initialise).
     */
    static final List<String> ENUM_JARS = List.of("com.azure.core.util.ExpandableStringEnum",
            "com.azure.core.management.exception.ManagementError", "com.azure.identity.ClientSecretCredential",
            "com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner",
            "com.azure.resourcemanager.resources.fluentcore.AzureServiceClient");

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

    /**
     * The Azure entries the image needs, derived from the SDK itself: {@code fromJson} and {@code toJson} of every
     * JSON body and error body type of {@link #SERVICES}, and the no-arg constructor of every ExpandableStringEnum of
     * {@link #ENUM_JARS}, each under the condition that the image reaches the type anyway. Fails with the file's
     * expected content when an entry is missing (or stale, after an SDK upgrade).
     */
    @Test
    void azureSdkReflectionIsRegistered() throws Exception {
        TreeMap<String, String> expected = expectedAzureEntries();
        assertTrue(expected.size() > 100, "found only " + expected.size() + " Azure entries: is the scan broken?");
        assertTrue(expected.containsKey("com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner"));
        assertTrue(expected.containsKey("com.azure.resourcemanager.compute.models.VirtualMachineListResult"));
        assertTrue(expected.containsKey("com.azure.identity.implementation.RegionalAuthority"));

        TreeMap<String, String> actual = new TreeMap<>();
        for (JsonNode e : readResourceJson(AZURE)) {
            actual.put(e.get("name").asText(), canonical(e));
        }
        List<String> missing = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        expected.forEach((name, entry) -> {
            if (!entry.equals(actual.get(name))) {
                missing.add(name);
            }
        });
        actual.keySet().stream().filter(n -> !expected.containsKey(n)).forEach(stale::add);
        String fix = "; the file should read (src/main/resources/" + AZURE + "):\n" + azureConfigText(expected);
        assertEquals(List.of(), missing, "Azure SDK entries missing or different" + fix);
        assertEquals(List.of(), stale, "Azure SDK entries for classes the image does not need" + fix);
    }

    /**
     * The image has REST proxies for {@link #SERVICES} only: the native profile excludes the compute jar's
     * proxy-config.json, azure/proxy-config.json registers these, and the image's substitution of
     * {@code RestProxy.create} (src/native/java, Target_RestProxy) creates no proxy for any other interface.
     */
    @Test
    void restProxiesAreRegisteredAndCreatedForTheCalledServicesOnly() throws Exception {
        List<String> proxies = new ArrayList<>();
        for (JsonNode interfaces : readResourceJson(METADATA + "azure/proxy-config.json")) {
            assertEquals(1, interfaces.size(), interfaces.toString());
            proxies.add(interfaces.get(0).asText());
        }
        assertEquals(SERVICES, proxies, "azure/proxy-config.json");
        Path substitution = Path.of("src/native/java/org/slurmazure/power/nativeimage/Target_RestProxy.java");
        if (Files.exists(substitution)) { // run from the project's directory (Maven)
            String source = Files.readString(substitution);
            for (String service : SERVICES) {
                assertTrue(source.contains('"' + service + '"'), service + " not in " + substitution);
            }
            long quoted = source.lines().filter(l -> l.strip().startsWith("\"com.azure.")).count();
            assertEquals(SERVICES.size(), quoted, "service interfaces named in " + substitution);
        }
    }

    /**
     * No method is a picocli command (a method subcommand): in the native image picocli looks for none
     * ({@code Target_picocli_CommandLine}, src/native/java: {@code getCommandMethods} answers an empty list instead of
     * reflecting over every method of every command, and its annotations, at each start). Checks the program's classes
     * and picocli's own (the help mixin is picocli's).
     */
    @Test
    void noMethodIsAPicocliCommand() throws Exception {
        List<Class<?>> classes = new ArrayList<>(mainClasses());
        ClassLoader loader = NativeImageMetadataTest.class.getClassLoader();
        Path picocli = Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarFile jf = new JarFile(picocli.toFile())) {
            for (JarEntry e : Collections.list(jf.entries())) {
                String n = e.getName();
                if (n.endsWith(".class") && !n.endsWith("module-info.class") && !n.startsWith("META-INF/")) {
                    classes.add(Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, loader));
                }
            }
        }
        List<String> commandMethods = new ArrayList<>();
        for (Class<?> c : classes) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(CommandLine.Command.class)) {
                    commandMethods.add(c.getName() + "." + m.getName());
                }
            }
        }
        assertEquals(List.of(), commandMethods,
                "@Command on a method: the native image's picocli would not see it (Target_picocli_CommandLine)");
    }

    /**
     * The program reaches the compute API through {@code VirtualMachinesClient} only: the image has no REST proxy for
     * the other operation groups (above), so a call through one of them would fail there. Scans the constant pools of
     * the main classes for the compute API's operation-group clients.
     */
    @Test
    void theProgramCallsNoComputeOperationGroupButVirtualMachines() throws Exception {
        Path root = Path.of(SlurmAzurePower.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        java.util.regex.Pattern client =
                java.util.regex.Pattern.compile("com/azure/resourcemanager/compute/fluent/([A-Za-z]+Client)\\b");
        Set<String> used = new TreeSet<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                java.util.regex.Matcher m = client.matcher(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertEquals(Set.of("VirtualMachinesClient"), used,
                "compute operation groups the program uses: add each to SERVICES, azure/proxy-config.json and"
                        + " src/native/java/.../Target_RestProxy.java");
    }

    /**
     * The program's own code does not use jackson-databind: without it (and with the Azure SDK's paths to it cut) the
     * image leaves databind out, about 2.5 MB (docs/native-image.md). JSON is read and written by the json package, on
     * jackson-core's streaming API. Scans the constant pools of the main classes (tests may use databind).
     */
    @Test
    void theProgramsOwnCodeDoesNotUseJacksonDatabind() throws Exception {
        Path root = mainRoot();
        List<String> offenders = new ArrayList<>();
        for (Path p : mainClassFiles()) {
            if (new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
                    .contains("com/fasterxml/jackson/databind/")) {
                offenders.add(root.relativize(p).toString());
            }
        }
        assertEquals(List.of(), offenders, "classes of the program that use jackson-databind, which the native image"
                + " is to leave out (docs/native-image.md, about 2.5 MB): use org.slurmazure.power.json instead");
    }

    /** name -> canonical JSON of the entry, as {@link #canonical} writes it. */
    static TreeMap<String, String> expectedAzureEntries() throws Exception {
        TreeMap<String, String> entries = new TreeMap<>();
        ClassLoader loader = NativeImageMetadataTest.class.getClassLoader();
        for (String service : SERVICES) {
            for (Method m : Class.forName(service, false, loader).getDeclaredMethods()) {
                Set<Class<?>> types = new java.util.LinkedHashSet<>();
                collect(m.getGenericReturnType(), types);
                for (UnexpectedResponseExceptionType error : m.getAnnotationsByType(UnexpectedResponseExceptionType.class)) {
                    for (Method getValue : error.value().getMethods()) { // the error body: the non-bridge getValue()
                        if (getValue.getName().equals("getValue") && getValue.getParameterCount() == 0
                                && !getValue.isBridge()) {
                            collect(getValue.getGenericReturnType(), types);
                        }
                    }
                }
                for (Class<?> c : types) {
                    if (JsonSerializable.class.isAssignableFrom(c) && !c.isInterface()
                            && !Modifier.isAbstract(c.getModifiers())) {
                        entries.put(c.getName(), "{\"name\":\"" + c.getName() + "\",\"methods\":["
                                + "{\"name\":\"fromJson\",\"parameterTypes\":[\"" + JsonReader.class.getName() + "\"]},"
                                + "{\"name\":\"toJson\",\"parameterTypes\":[\"" + JsonWriter.class.getName() + "\"]}]}");
                    }
                }
            }
        }
        for (String anchor : ENUM_JARS) {
            Path jar = Path.of(Class.forName(anchor, false, loader).getProtectionDomain().getCodeSource().getLocation()
                    .toURI());
            try (JarFile jf = new JarFile(jar.toFile())) {
                for (JarEntry e : Collections.list(jf.entries())) {
                    String n = e.getName();
                    if (!n.endsWith(".class") || n.endsWith("module-info.class") || n.startsWith("META-INF/")) {
                        continue;
                    }
                    Class<?> c = Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, loader);
                    if (c != ExpandableStringEnum.class && ExpandableStringEnum.class.isAssignableFrom(c)
                            && !Modifier.isAbstract(c.getModifiers())) {
                        c.getDeclaredConstructor(); // all generated ones have it; throws otherwise
                        entries.put(c.getName(), "{\"condition\":{\"typeReachable\":\"" + c.getName() + "\"},"
                                + "\"name\":\"" + c.getName() + "\",\"methods\":[{\"name\":\"<init>\",\"parameterTypes\":[]}]}");
                    }
                }
            }
        }
        return entries;
    }

    private static void collect(Type t, Set<Class<?>> into) {
        if (t instanceof Class<?> c) {
            into.add(c.isArray() ? c.getComponentType() : c);
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), into);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, into);
            }
        } else if (t instanceof GenericArrayType g) {
            collect(g.getGenericComponentType(), into);
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                collect(b, into);
            }
        }
    }

    /** One entry as compact JSON with a fixed key order: condition, name, methods (name, parameterTypes). */
    private String canonical(JsonNode e) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode o = json.createObjectNode();
        if (e.has("condition")) {
            o.set("condition", e.get("condition"));
        }
        o.set("name", e.get("name"));
        if (e.has("methods")) {
            o.set("methods", e.get("methods"));
        }
        e.fieldNames().forEachRemaining(f -> {
            if (!o.has(f)) {
                o.set(f, e.get(f)); // anything else makes the entry differ from the expected one
            }
        });
        return json.writeValueAsString(o);
    }

    static String azureConfigText(TreeMap<String, String> entries) {
        return "[\n  " + String.join(",\n  ", entries.values()) + "\n]\n";
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private JsonNode readResourceJson(String name) throws IOException {
        String text = readResource(name);
        assertTrue(text != null, name + " not on the class path");
        return json.readTree(text);
    }

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

    /** The program's classes: those of {@link #mainClassFiles}. */
    private static List<Class<?>> mainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = mainRoot();
        List<Class<?>> classes = new ArrayList<>();
        ClassLoader loader = NativeImageMetadataTest.class.getClassLoader();
        for (Path p : mainClassFiles()) {
            String rel = root.relativize(p).toString();
            if (rel.endsWith("module-info.class") || rel.endsWith("package-info.class")) {
                continue;
            }
            String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
            classes.add(Class.forName(name, false, loader));
        }
        return classes;
    }

    /** The directory holding SlurmAzurePower's class, target/classes. */
    private static Path mainRoot() throws URISyntaxException {
        Path root = Path.of(SlurmAzurePower.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(root), "expected the main classes in a directory, found " + root);
        return root;
    }

    /**
     * The program's class files: every .class file under {@link #mainRoot} but those compiled from src/native/java,
     * which a {@code -Pnative} build writes into the same directory (the image's substitutions and feature, not part
     * of the program; one of them needs the image builder's classes to load). Such a file is told by its SourceFile,
     * the name of a file in src/native/java, which its constant pool holds.
     */
    private static List<Path> mainClassFiles() throws IOException, URISyntaxException {
        List<String> nativeSources;
        try (Stream<Path> s = Files.walk(Path.of("src/native/java"))) {
            nativeSources = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".java"))
                    .toList();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(mainRoot())) {
            for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String bytes = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                if (nativeSources.stream().noneMatch(bytes::contains)) {
                    files.add(p);
                }
            }
        }
        return files;
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
