package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code hostlist expand|compress|count}, run in-process as {@link SlurmAzurePower#main} runs them. */
class HostlistCommandTest {

    /** Exit code, stdout and stderr of one run. */
    record Run(int exitCode, String out, String err) {
    }

    private static Run runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = SlurmAzurePower.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        if (stdin != null) {
            CommandLine hostlist = cmd.getSubcommands().get("hostlist");
            ByteArrayInputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
            ((HostlistExpandCommand) hostlist.getSubcommands().get("expand").getCommand()).setStdin(in);
            ((HostlistCompressCommand) hostlist.getSubcommands().get("compress").getCommand()).setStdin(in);
        }
        int exitCode = cmd.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static Run run(String... args) {
        return runWithStdin(null, args);
    }

    @Test
    void givenExpressions_whenExpanded_thenOneNamePerLineInSlurmsOrder() {
        Run r = run("hostlist", "expand", "c[1-3],c2", "x[1-2]y[1-2]z[1]-ib");
        assertEquals(ExitCode.OK, r.exitCode());
        assertEquals("c1\nc2\nc3\nc2\nx1y1z1-ib\nx2y1z1-ib\nx1y2z1-ib\nx2y2z1-ib\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void givenAnInvalidExpression_whenExpanded_thenOneErrorLineExit2AndNothingOnStdout() {
        Run r = run("hostlist", "expand", "c[1-2]", "c[3-1]");
        assertEquals(ExitCode.INVALID_INPUT, r.exitCode());
        assertEquals("", r.out());
        assertEquals("expand: invalid hostlist \"c[3-1]\": range 3-1 is reversed\n", r.err());
    }

    @Test
    void givenNoExpression_whenExpanded_thenUsageErrorExit2() {
        Run r = run("hostlist", "expand");
        assertEquals(ExitCode.INVALID_INPUT, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("expand: missing EXPR"), r.err());
    }

    @Test
    void givenBatchInput_whenExpanded_thenExactlyOneLinePerInputAndExit2ForAnyInvalid() {
        Run r = runWithStdin("c[1-3]\nc[3-1]\n\nc[1-2]-ib\nc[1-3\n", "hostlist", "expand", "--batch");
        assertEquals(ExitCode.INVALID_INPUT, r.exitCode());
        assertEquals("c1 c2 c3\n"
                + "error: invalid hostlist \"c[3-1]\": range 3-1 is reversed\n"
                + "\n"
                + "c1-ib c2-ib\n"
                + "error: invalid hostlist \"c[1-3\": unbalanced bracket in \"c[1-3\": \"[\" is not closed\n",
                r.out());
        assertEquals("", r.err());
    }

    @Test
    void givenOnlyValidBatchInput_whenExpanded_thenExit0() {
        Run r = runWithStdin("a,b c\r\nn[09-11]", "hostlist", "expand", "--batch");
        assertEquals(ExitCode.OK, r.exitCode());
        assertEquals("a b c\nn09 n10 n11\n", r.out());
    }

    @Test
    void givenEmptyBatchInput_whenExpanded_thenNoOutputAndExit0() {
        Run r = runWithStdin("", "hostlist", "expand", "--batch");
        assertEquals(ExitCode.OK, r.exitCode());
        assertEquals("", r.out());
    }

    @Test
    void givenBatchAndArguments_whenExpanded_thenUsageErrorExit2() {
        Run r = runWithStdin("c1\n", "hostlist", "expand", "--batch", "c2");
        assertEquals(ExitCode.INVALID_INPUT, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().contains("--batch reads its inputs from stdin"), r.err());
    }

    @Test
    void givenNamesAsArgumentsCommasAndSpaces_whenCompressed_thenOneSortedExpression() {
        Run r = run("hostlist", "compress", "a3,a1", "a2 b01x", "n09,n10", "n011");
        assertEquals(ExitCode.OK, r.exitCode());
        assertEquals("a[1-3],b01x,n[09-10,011]\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void givenDuplicates_whenCompressed_thenTheyAreKept() {
        assertEquals("rack1-n[31,31]\n", run("hostlist", "compress", "rack1-n31,rack1-n31").out());
    }

    @Test
    void givenAnInvalidInput_whenCompressed_thenOneErrorLineAndExit2() {
        Run r = run("hostlist", "compress", "a1", "c[1-3");
        assertEquals(ExitCode.INVALID_INPUT, r.exitCode());
        assertEquals("", r.out());
        assertEquals("compress: invalid hostlist \"c[1-3\": unbalanced bracket in \"c[1-3\": \"[\" is not closed\n",
                r.err());
    }

    @Test
    void givenBatchInput_whenCompressed_thenOneExpressionOrErrorPerLine() {
        Run r = runWithStdin("a3,a1,a2\nc[3-1]\nb01x b02x\n", "hostlist", "compress", "--batch");
        assertEquals(ExitCode.INVALID_INPUT, r.exitCode());
        assertEquals("a[1-3]\nerror: invalid hostlist \"c[3-1]\": range 3-1 is reversed\nb01x,b02x\n", r.out());
    }

    @Test
    void givenValidBatchInput_whenCompressed_thenExit0() {
        Run r = runWithStdin("n755,n756\n", "hostlist", "compress", "--batch");
        assertEquals(ExitCode.OK, r.exitCode());
        assertEquals("n[755-756]\n", r.out());
    }

    @Test
    void givenExpressions_whenCounted_thenTheTotalNumberOfNames() {
        Run r = run("hostlist", "count", "c[1-65536]", "x[1-2]y[1-2],c2");
        assertEquals(ExitCode.OK, r.exitCode());
        assertEquals("65541\n", r.out());
    }

    @Test
    void givenAnInvalidExpression_whenCounted_thenOneErrorLineAndExit2() {
        Run r = run("hostlist", "count", "c[0-65536]");
        assertEquals(ExitCode.INVALID_INPUT, r.exitCode());
        assertEquals("", r.out());
        assertEquals("count: invalid hostlist \"c[0-65536]\": too many hosts in range 0-65536: 65537 "
                + "(the limit is 65536)\n", r.err());
    }

    @Test
    void givenNoSubcommand_whenHostlistRuns_thenUsageErrorExit2() {
        Run r = run("hostlist");
        assertEquals(ExitCode.INVALID_INPUT, r.exitCode());
        assertTrue(r.err().startsWith("hostlist: a subcommand is required"), r.err());
    }

    @Test
    void givenHelp_whenRequested_thenTheSubcommandsAreDescribed() {
        Run r = run("hostlist", "--help");
        assertEquals(ExitCode.OK, r.exitCode());
        assertTrue(r.out().contains("expand") && r.out().contains("compress") && r.out().contains("count"), r.out());
    }
}
