package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The training run of the install-time start-up archive (packaging/common/train-archive). */
class TrainStartArchiveCommandTest {

    @Test
    void trainingRunsTheThreeProgramsToSuccessAgainstTheLocalEndpointAndLeavesNothingBehind() throws IOException {
        Set<Path> before = trainingDirectories();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = SlurmAzurePower.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("train-start-archive");

        assertEquals(ExitCode.OK, exit, err.toString());
        // resume: token, VM, start, NIC, operation; dry run: token, VM, NIC; suspend: token, VM, deallocate,
        // operation; resume-fail: token, VM (already deallocated). Each program builds its own client.
        assertEquals("training run: resume, dry run, suspend and resume-fail of one node: ok, 14 requests to a local"
                + " endpoint\n", out.toString());
        assertEquals("", err.toString());
        assertEquals(before, trainingDirectories(), "the temporary directory is removed");
    }

    @Test
    void theCommandIsHiddenFromHelp() {
        StringWriter out = new StringWriter();
        SlurmAzurePower.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true))
                .execute("--help");
        assertEquals(-1, out.toString().indexOf("train-start-archive"), out.toString());
    }

    private static Set<Path> trainingDirectories() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("slurm-azure-power-train"))
                    .collect(Collectors.toSet());
        }
    }
}
