package org.slurmazure.power.docgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.cli.SlurmAzurePower;
import org.slurmazure.power.testing.Cmd;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The man pages as a reader gets them: one per command of the model that is not hidden, each rendered by groff
 * without a single warning (-ww), read by man, indexed by lexgrog (mandb's parser of the NAME line), and naming
 * every option, parameter and exit code of its command. Needs groff and man-db (Debian: groff-base, man-db).
 */
class ManPagesTest {
    static final LocalDate DATE = LocalDate.of(2026, 12, 6);

    @TempDir
    static Path dir;

    static Path man;

    @BeforeAll
    static void generate() throws IOException {
        for (String tool : List.of("/usr/bin/groff", "/usr/bin/man", "/usr/bin/lexgrog")) {
            if (!Files.isExecutable(Path.of(tool))) {
                fail(tool + " is missing: the man page tests render the pages with groff and man-db (Debian: "
                        + "apt-get install groff-base man-db; .ci/run installs them)");
            }
        }
        man = dir.resolve("man");
        Files.createDirectories(man);
        Files.writeString(man.resolve("slurm-azure-power-gone.1"), ".TH GONE 1\n");
        GenerateDocs.writeManPages(GenerateDocs.model(), man, "0.1.0-SNAPSHOT", DATE);
    }

    @Test
    void everyCommandThatIsNotHiddenHasItsPageAndNoOtherPageIsLeft() throws IOException {
        Set<String> expected = new TreeSet<>();
        walk(GenerateDocs.model(), expected);
        assertEquals(expected, pages(), "one page per command of the model that is not hidden");
        for (String p : List.of("slurm-azure-power", "slurm-azure-power-resume", "slurm-azure-power-suspend",
                "slurm-azure-power-resume-fail", "slurm-azure-power-status", "slurm-azure-power-reconcile",
                "slurm-azure-power-config-check", "slurm-azure-power-resolve", "slurm-azure-power-hostlist-expand",
                "slurm-azure-power-hostlist-compress", "slurm-azure-power-hostlist-count")) {
            assertTrue(expected.contains(p + ".1"), p);
        }
        assertFalse(expected.contains("slurm-azure-power-train-start-archive.1"), "hidden commands have no page");
    }

    @Test
    void everyPageRendersWithoutAGroffWarning() throws IOException {
        for (String page : pages()) {
            Cmd.Result r = Cmd.of("groff", "-man", "-Tutf8", "-ww", "-z", man.resolve(page).toString()).run();
            assertEquals("", r.err(), page);
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(Files.readString(man.resolve(page), StandardCharsets.US_ASCII).chars().allMatch(c -> c < 0x80),
                    page + " is ASCII only");
        }
    }

    @Test
    void manReadsEveryPageAndLexgrogFindsItsNameAndSummary() throws IOException {
        for (CommandSpec spec : ManPage.tree(GenerateDocs.model().getCommandSpec())) {
            String page = ManPage.fileName(spec);
            Cmd.Result lexgrog = Cmd.of("lexgrog", man.resolve(page).toString()).run();
            // (lexgrog puts a space after every comma)
            assertEquals((man.resolve(page) + ": \"" + ManPage.name(spec) + " - " + ManPage.summary(spec) + "\"")
                    .replace(", ", ","),
                    lexgrog.out().strip().replaceAll("\\s+", " ").replace(", ", ","), lexgrog.toString());
            String text = render(page);
            for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "SEE ALSO")) {
                assertTrue(text.lines().anyMatch(l -> l.equals(section)), page + " has no " + section + ":\n" + text);
            }
        }
    }

    @Test
    void eachPageNamesEveryOptionAndParameterOfItsCommandAsTheyAreTyped() throws IOException {
        for (CommandSpec spec : ManPage.tree(GenerateDocs.model().getCommandSpec())) {
            String text = render(ManPage.fileName(spec));
            for (OptionSpec o : spec.options()) {
                for (String name : o.names()) {
                    // plain ASCII hyphens: an option copied from the page works
                    assertEquals(!o.hidden(), text.contains(name), ManPage.fileName(spec) + ": " + name);
                }
            }
            for (PositionalParamSpec p : spec.positionalParameters()) {
                assertTrue(text.contains(p.paramLabel()), ManPage.fileName(spec) + ": " + p.paramLabel());
            }
            for (CommandSpec sub : ManPage.subcommands(spec)) {
                assertTrue(text.contains(ManPage.name(sub) + "(1)"), ManPage.fileName(spec) + ": " + sub.name());
            }
        }
        String resume = render("slurm-azure-power-resume.1");
        assertTrue(resume.contains("slurm-azure-power resume [--config=FILE] [--verbose] [--dry-run]"), resume);
        assertTrue(resume.contains("/var/log/slurm/power_save.log"), resume);
        assertTrue(resume.contains("SLURM_CONF"), resume);
        assertTrue(render("slurm-azure-power-resume-fail.1").contains("slurm-azure-power-resume-fail - Slurm's "
                + "ResumeFailProgram"));
    }

    @Test
    void theExitCodesOfThePagesAreThoseThatHelpPrints() throws IOException {
        StringWriter out = new StringWriter();
        SlurmAzurePower.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
                .execute("--help");
        String help = out.toString();
        int at = help.indexOf("Exit codes:");
        assertTrue(at >= 0, help);
        List<String> codes = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s+(\\d)\\s+(.+)$").matcher(help.substring(at));
        while (m.find()) {
            codes.add(m.group(1) + " " + m.group(2).strip());
        }
        assertEquals(List.of("0", "1", "2", "3", "4"), codes.stream().map(c -> c.substring(0, 1)).toList(), help);
        for (String page : List.of("slurm-azure-power.1", "slurm-azure-power-resume.1",
                "slurm-azure-power-hostlist-expand.1")) {
            String text = render(page).replaceAll("\\s+", " ");
            String exitStatus = text.substring(text.indexOf("EXIT STATUS"));
            for (String code : codes) {
                assertTrue(exitStatus.contains(code), page + " lacks exit code \"" + code + "\": " + exitStatus);
            }
        }
    }

    @Test
    void theDateOfThePagesIsThatOfTheNewestChangelogEntryWhichMustBeThisVersion() throws IOException {
        Path changelog = Files.writeString(dir.resolve("CHANGELOG.md"),
                "# Changelog\n\n## 0.2.0 - 2027-01-15\n\n- x\n\n## 0.1.0 - 2026-12-06\n\n- y\n");
        assertEquals(LocalDate.of(2027, 1, 15), GenerateDocs.pageDate(changelog, "0.2.0-SNAPSHOT", null));
        assertEquals(LocalDate.of(2027, 1, 15), GenerateDocs.pageDate(changelog, "0.2.0", ""));
        assertEquals(LocalDate.of(2001, 9, 9), GenerateDocs.pageDate(changelog, "0.2.0", "1000000000"),
                "SOURCE_DATE_EPOCH wins");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GenerateDocs.pageDate(changelog, "0.3.0-SNAPSHOT", null));
        assertTrue(e.getMessage().contains("the newest entry is 0.2.0, but this build is 0.3.0-SNAPSHOT"),
                e.getMessage());
    }

    @Test
    void theChangelogOfTheCheckoutDescribesThePomsVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>slurm-azure-power</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "the pom's version");
        GenerateDocs.pageDate(Path.of("CHANGELOG.md"), m.group(1), null);
    }

    @Test
    void textIsEscapedForTroff() {
        assertEquals("\\&.not a request, \\e, \\-\\-dry\\-run, caf\\[u00E9], \\[u1F600]",
                ManPage.escape(".not a request, \\, --dry-run, caf\u00e9, \uD83D\uDE00"));
        assertEquals("a\n\\&'b", ManPage.escape("a\n'b"));
        assertEquals(List.of("One sentence wrapped by hand.", "Another: %.", "last"),
                ManPage.paragraphs(new String[] {"One sentence", "wrapped by hand.", "Another: %%.", "last"}));
    }

    private static String render(String page) {
        Cmd.Result r = Cmd.of("man", "-l", man.resolve(page).toString()).env("MANWIDTH", "200")
                .env("MANPAGER", "cat").env("MAN_KEEP_FORMATTING", "").run();
        assertEquals(0, r.exitCode(), r.toString());
        return r.out();
    }

    private static Set<String> pages() throws IOException {
        try (Stream<Path> s = Files.list(man)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** The expected page names, by walking the tree through CommandLine (not through ManPage's own walk). */
    private static void walk(CommandLine cmd, Set<String> names) {
        if (cmd.getCommandSpec().usageMessage().hidden()) {
            return;
        }
        names.add(cmd.getCommandSpec().qualifiedName("-") + ".1");
        for (Map.Entry<String, CommandLine> sub : cmd.getSubcommands().entrySet()) {
            walk(sub.getValue(), names);
        }
    }
}
