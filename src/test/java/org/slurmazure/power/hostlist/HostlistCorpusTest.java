package org.slurmazure.power.hostlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case answered by a real Slurm: the copies in src/test/resources/hostlist/ and, when the project sits beside
 * it, the shared set in ../shared/hostlist/ (which may have grown since it was copied).
 * Each line is {@code KIND <TAB> INPUT <TAB> EXPECTED}; see ../shared/hostlist/README.md.
 */
class HostlistCorpusTest {

    private static final String ERROR = "!error";

    record Case(String source, String kind, String input, String expected) {
        @Override
        public String toString() {
            String shown = input.length() > 60 ? input.substring(0, 60) + "..." : input;
            return source + " " + kind + " " + InvalidHostlistException.printable(shown);
        }
    }

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        List<Case> all = new ArrayList<>();
        for (Path file : corpusFiles()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isEmpty()) {
                    continue;
                }
                String[] fields = lines.get(i).split("\t", -1);
                if (fields.length != 3) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": not KIND<TAB>INPUT<TAB>EXPECTED");
                }
                String source = file.getParent().getFileName() + "/" + file.getFileName() + ":" + (i + 1);
                all.add(new Case(source, fields[0], fields[1], fields[2]));
            }
        }
        return all.stream().map(Arguments::of);
    }

    /** The bundled copies, then ../shared/hostlist/*.tsv relative to the project directory if present. */
    static List<Path> corpusFiles() throws IOException, URISyntaxException {
        List<Path> files = new ArrayList<>();
        URL bundled = HostlistCorpusTest.class.getResource("/hostlist");
        if (bundled != null) {
            files.addAll(tsvFiles(Path.of(bundled.toURI())));
        }
        Path shared = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("../shared/hostlist").normalize();
        if (Files.isDirectory(shared)) {
            files.addAll(tsvFiles(shared));
        }
        return files;
    }

    private static List<Path> tsvFiles(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".tsv")).sorted().toList();
        }
    }

    @Test
    void theBundledCorpusIsPresent() throws Exception {
        List<Path> files = corpusFiles();
        assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().equals("scontrol-22.05.tsv")), files::toString);
        assertTrue(cases().count() >= 2037);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithSlurm(Case c) throws InvalidHostlistException {
        switch (c.kind()) {
            case "expand" -> checkExpand(c);
            case "compress" -> checkCompress(c);
            default -> throw new IllegalStateException(c.source() + ": unknown kind " + c.kind());
        }
    }

    private static void checkExpand(Case c) throws InvalidHostlistException {
        if (c.expected().equals(ERROR)) {
            InvalidHostlistException e = assertThrows(InvalidHostlistException.class, () -> Hostlist.expand(c.input()));
            assertEquals(c.input(), e.expression());
            assertFalse(e.reason().isBlank());
            assertThrows(InvalidHostlistException.class, () -> Hostlist.count(c.input()));
            return;
        }
        List<String> expected = c.expected().isEmpty() ? List.of() : Arrays.asList(c.expected().split(" ", -1));
        assertEquals(expected, Hostlist.expand(c.input()), c.source());
        assertEquals(expected.size(), Hostlist.count(c.input()), c.source());
    }

    private static void checkCompress(Case c) throws InvalidHostlistException {
        List<String> names = Arrays.asList(c.input().split(",", -1));
        String compressed = Hostlist.compress(names);
        assertEquals(c.expected(), compressed, c.source());
        assertEquals(c.expected(), Hostlist.compressExpression(c.input()), c.source());
        assertEquals(Multiset.of(names), Multiset.of(Hostlist.expand(compressed)), c.source() + ": round trip");
    }
}
