package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * {@link SlurmAzurePower#main} builds only the subcommands its arguments need ({@link
 * SlurmAzurePower#subcommandsFor}): what it prints and returns must be what the whole tree prints and returns.
 */
class SlurmAzurePowerTest {

    /** Exit code, stdout and stderr of one run. */
    record Run(int exitCode, String out, String err) {
    }

    private static Run run(boolean asMain, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cmd = asMain ? SlurmAzurePower.commandLineFor(args, o, e) : SlurmAzurePower.commandLine(o, e);
        return new Run(cmd.execute(args), out.toString(), err.toString());
    }

    @Test
    void givenASubcommandName_whenArgumentsAreRead_thenOnlyItIsBuilt() {
        assertEquals(List.of(ResumeCommand.class), SlurmAzurePower.subcommandsFor(new String[] {"resume", "-n", "a1"}));
        assertEquals(List.of(ResumeFailCommand.class), SlurmAzurePower.subcommandsFor(new String[] {"resume-fail"}));
        assertEquals(List.of(HostlistCommand.class),
                SlurmAzurePower.subcommandsFor(new String[] {"hostlist", "expand", "a[1-2]"}));
        assertEquals(List.of(TrainStartArchiveCommand.class),
                SlurmAzurePower.subcommandsFor(new String[] {"train-start-archive"}));
        assertEquals(List.of(), SlurmAzurePower.subcommandsFor(new String[] {"--version"}));
        assertEquals(List.of(), SlurmAzurePower.subcommandsFor(new String[] {"-V"}));
    }

    @Test
    void givenNoKnownSubcommandFirst_whenArgumentsAreRead_thenAllAreBuilt() {
        for (String[] args : List.of(
                new String[] {},
                new String[] {"help"},
                new String[] {"help", "resume"},
                new String[] {"--help"},
                new String[] {"-h", "resume"},
                new String[] {"--version", "resume"},
                new String[] {"resum"},
                new String[] {"@args"},
                new String[] {"--", "resume"})) {
            assertEquals(SlurmAzurePower.SUBCOMMANDS, SlurmAzurePower.subcommandsFor(args), String.join(" ", args));
        }
    }

    @Test
    void givenTheWholeTree_thenItHasEverySubcommandOnceInTheOrderOfTheList() {
        CommandLine cmd = SlurmAzurePower.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<Class<?>> classes = new ArrayList<>();
        cmd.getSubcommands().values().forEach(sub -> classes.add(sub.getCommand().getClass()));
        assertEquals(SlurmAzurePower.SUBCOMMANDS, classes);
    }

    static Stream<List<String>> commandLines() {
        return Stream.of(
                List.of(),
                List.of("--version"),
                List.of("-V"),
                List.of("--help"),
                List.of("help"),
                List.of("help", "resume"),
                List.of("help", "nosuch"),
                List.of("nosuch"),
                List.of("resum", "a1"),
                List.of("resume"),
                List.of("resume", "--help"),
                List.of("resume", "--nosuch", "a1"),
                List.of("resume", "--version"),
                List.of("suspend", "-h"),
                List.of("resume-fail", "--help"),
                List.of("status", "--help"),
                List.of("reconcile", "--help"),
                List.of("doctor", "--help"),
                List.of("config"),
                List.of("config", "check", "--help"),
                List.of("resolve", "--help"),
                List.of("hostlist"),
                List.of("hostlist", "expand", "c[1-3]"),
                List.of("hostlist", "expnd", "c[1-3]"),
                List.of("hostlist", "count", "--help"),
                List.of("train-start-archive", "--help"),
                List.of("--version", "resume"));
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void givenArguments_whenRunAsMainRunsThem_thenOutputAndExitCodeAreThoseOfTheWholeTree(List<String> args) {
        String[] argv = args.toArray(String[]::new);
        Run whole = run(false, argv);
        Run asMain = run(true, argv);
        assertEquals(whole, asMain);
        assertTrue(!whole.out().isEmpty() || !whole.err().isEmpty() || whole.exitCode() == 0, whole.toString());
    }
}
