package org.slurmazure.power.docgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.testing.Cmd;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The bash completion as bash runs it: the generated script is sourced in a bash without any profile, registers
 * its function for slurm-azure-power, and that function, called as bash calls it on TAB (COMP_WORDS, COMP_CWORD,
 * COMP_LINE), offers the subcommands and options of the model.
 */
class BashCompletionTest {
    @TempDir
    static Path dir;

    static Path script;

    @BeforeAll
    static void generate() throws IOException {
        script = dir.resolve("slurm-azure-power");
        GenerateDocs.writeBashCompletion(GenerateDocs.model(), script);
    }

    @Test
    void sourcingTheScriptRegistersItsFunctionForTheCommand() throws IOException {
        assertFalse(java.nio.file.Files.readString(script).startsWith("#!"), "sourced, not run: no #! line");
        Cmd.Result r = Cmd.of("bash", "--norc", "--noprofile", "-c", "source \"$1\" && complete -p slurm-azure-power",
                "bash", script.toString()).run();
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("complete -o default -F _complete_slurm-azure-power slurm-azure-power", r.out().strip());
        assertEquals("", r.err());
    }

    @Test
    void tabAfterTheCommandOffersEverySubcommandOfTheModelButTheHiddenOnes() {
        Set<String> expected = new TreeSet<>();
        for (CommandSpec sub : ManPage.subcommands(GenerateDocs.model().getCommandSpec())) {
            expected.add(sub.name());
        }
        assertTrue(expected.containsAll(List.of("resume", "suspend", "resume-fail", "status", "reconcile", "config",
                "resolve", "hostlist")), expected.toString());
        List<String> offered = complete("slurm-azure-power ");
        assertEquals(expected, new TreeSet<>(offered));
        assertFalse(offered.contains("train-start-archive"));
    }

    @Test
    void aSubcommandIsCompletedFromItsFirstLetters() {
        assertEquals(List.of("resolve", "resume", "resume-fail"), complete("slurm-azure-power res"));
        assertEquals(List.of("reconcile"), complete("slurm-azure-power rec"));
        assertEquals(List.of("expand"), complete("slurm-azure-power hostlist ex"));
        assertEquals(List.of("check"), complete("slurm-azure-power config c"));
    }

    @Test
    void everyCommandWithSubcommandsOffersExactlyThose() {
        for (CommandSpec spec : ManPage.tree(GenerateDocs.model().getCommandSpec())) {
            List<CommandSpec> subs = ManPage.subcommands(spec);
            if (subs.isEmpty() || spec.parent() == null) {
                continue;
            }
            Set<String> expected = new TreeSet<>();
            subs.forEach(s -> expected.add(s.name()));
            assertEquals(expected, new TreeSet<>(complete(spec.qualifiedName() + " ")), spec.qualifiedName());
        }
    }

    @Test
    void optionsAreCompletedPerSubcommand() {
        assertEquals(List.of("--dry-run"), complete("slurm-azure-power resume --d"));
        assertEquals(List.of("--config"), complete("slurm-azure-power config check --c"));
        assertEquals(List.of("--json"), complete("slurm-azure-power status --j"));
        assertEquals(List.of("--batch"), complete("slurm-azure-power hostlist expand --b"));
    }

    /** What bash would offer for TAB at the end of line (COMPREPLY of the registered function). */
    private static List<String> complete(String line) {
        List<String> words = new ArrayList<>(Arrays.asList(line.split(" ", -1)));
        List<String> argv = new ArrayList<>(List.of("bash", "--norc", "--noprofile", "-c",
                "source \"$1\" || exit 9; COMP_LINE=\"$2\"; COMP_POINT=${#COMP_LINE}; shift 2; COMP_WORDS=(\"$@\"); "
                        + "COMP_CWORD=$(($# - 1)); _complete_slurm-azure-power 2>/dev/null; "
                        + "printf '%s\\n' \"${COMPREPLY[@]}\"",
                "bash", script.toString(), line));
        argv.addAll(words);
        Cmd.Result r = Cmd.of(argv).run();
        assertEquals(0, r.exitCode(), r.toString());
        return r.out().lines().filter(l -> !l.isEmpty()).toList();
    }
}
