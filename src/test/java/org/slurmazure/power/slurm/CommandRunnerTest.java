package org.slurmazure.power.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final CommandRunner runner = new CommandRunner();

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void passesEachArgumentAsIsWithoutAShell() throws IOException {
        Path printArgs = script("args", "printf '[%s]\\n' \"$@\"");

        CommandResult result = runner.run(List.of(printArgs.toString(), "a b", "$HOME", "*", "x\"y", "it's",
                "reason=azure: capacity: \"D2s\"; rm -rf /", "line1\nline2", ""), TEN_SECONDS);

        assertEquals("[a b]\n[$HOME]\n[*]\n[x\"y]\n[it's]\n[reason=azure: capacity: \"D2s\"; rm -rf /]\n"
                + "[line1\nline2]\n[]\n", result.stdout());
    }

    @Test
    void capturesStdoutStderrExitCodeAndDuration() throws IOException {
        Path program = script("both", "echo out; echo 'err one' >&2; echo 'err two' >&2; sleep 0.1; exit 3");

        CommandResult result = runner.run(List.of(program.toString()), TEN_SECONDS);

        assertEquals(3, result.exitCode());
        assertFalse(result.succeeded());
        assertEquals("out\n", result.stdout());
        assertEquals("err one\nerr two\n", result.stderr());
        assertEquals("err one", result.stderrFirstLine());
        assertEquals("err two", result.stderrLastLine());
        assertTrue(result.duration().toMillis() >= 100, result.duration().toString());
        assertEquals(List.of(program.toString()), result.command());
    }

    @Test
    void givesTheProgramAnEmptyStdin() throws IOException {
        Path program = script("stdin", "cat; echo \"stdin=$(readlink /proc/$$/fd/0)\"");

        CommandResult result = runner.run(List.of(program.toString()), TEN_SECONDS);

        assertEquals("stdin=/dev/null\n", result.stdout());
    }

    @Test
    void passesTheEnvironmentOnUnchanged() throws IOException {
        Path program = script("env", "echo \"PATH=$PATH\"");

        CommandResult result = runner.run(List.of(program.toString()), TEN_SECONDS);

        assertEquals("PATH=" + System.getenv("PATH") + "\n", result.stdout());
    }

    @Test
    void readsLargeStdoutAndStderrAtTheSameTimeWithoutBlocking() throws IOException {
        Path program = script("big", "head -c 1000000 /dev/zero | tr '\\0' o & head -c 1000000 /dev/zero | tr '\\0' e >&2; wait");

        CommandResult result = runner.run(List.of(program.toString()), TEN_SECONDS);

        assertEquals(0, result.exitCode());
        assertEquals(1_000_000, result.stdout().length());
        assertEquals(1_000_000, result.stderr().length());
    }

    @Test
    void reportsAMissingProgramBeforeStartingAnything() {
        Path missing = dir.resolve("no-such-scontrol");

        ProgramNotFoundException e = assertThrows(ProgramNotFoundException.class,
                () -> runner.run(List.of(missing.toString(), "ping"), TEN_SECONDS));

        assertEquals(ProgramNotFoundException.Problem.MISSING, e.problem());
        assertEquals(missing, e.program());
        assertEquals(missing + ": not found", e.getMessage());
    }

    @Test
    void doesNotSearchThePathForABareName() {
        ProgramNotFoundException e = assertThrows(ProgramNotFoundException.class,
                () -> runner.run(List.of("true"), TEN_SECONDS));

        assertEquals(ProgramNotFoundException.Problem.MISSING, e.problem());
    }

    @Test
    void reportsAProgramWithoutExecutePermission() throws IOException {
        Path program = script("noexec", "exit 0");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rw-r--r--"));

        ProgramNotFoundException e = assertThrows(ProgramNotFoundException.class,
                () -> runner.run(List.of(program.toString()), TEN_SECONDS));

        assertEquals(ProgramNotFoundException.Problem.NOT_EXECUTABLE, e.problem());
        assertEquals(program + ": not executable", e.getMessage());
    }

    @Test
    void reportsADirectoryAsNotAProgram() {
        ProgramNotFoundException e = assertThrows(ProgramNotFoundException.class,
                () -> runner.run(List.of(dir.toString()), TEN_SECONDS));

        assertEquals(ProgramNotFoundException.Problem.NOT_A_FILE, e.problem());
    }

    @Test
    void killsAProgramThatOverrunsItsTimeLimitTogetherWithItsChildren() throws Exception {
        Path program = script("hang", "echo started >&2; sleep 300 & echo $! > " + dir.resolve("child.pid") + "; wait");
        long start = System.nanoTime();

        CommandTimeoutException e = assertThrows(CommandTimeoutException.class,
                () -> runner.run(List.of(program.toString()), Duration.ofMillis(500)));

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs < 5_000, "returned after " + elapsedMs + " ms");
        assertEquals(program + " did not finish within 500ms and was killed", e.getMessage());
        assertEquals("started\n", e.stderr());
        long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).strip());
        assertTrue(waitUntilGone(child), "child sleep " + child + " still running");
    }

    @Test
    void killsAProgramThatBlocksTermAndIntSignals() throws Exception {
        // slurmctld starts its programs with TERM, INT and HUP blocked; SIGKILL still works
        Path program = script("stubborn", "trap '' TERM INT HUP; sleep 300 & echo $! > " + dir.resolve("child.pid")
                + "; wait");

        assertThrows(CommandTimeoutException.class,
                () -> runner.run(List.of(program.toString()), Duration.ofMillis(300)));

        long child = Long.parseLong(Files.readString(dir.resolve("child.pid")).strip());
        assertTrue(waitUntilGone(child), "child sleep " + child + " still running");
    }

    @Test
    void rejectsAnEmptyCommandAndANulInAnArgument() {
        assertThrows(IllegalArgumentException.class, () -> runner.run(List.of(), TEN_SECONDS));
        assertThrows(IllegalArgumentException.class,
                () -> runner.run(List.of("/bin/echo", "a\0b"), TEN_SECONDS));
        assertThrows(IllegalArgumentException.class,
                () -> runner.run(List.of("/bin/echo"), Duration.ZERO));
    }

    static boolean waitUntilGone(long pid) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                    && !isZombie(pid);
            if (!alive) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** PID 1 on some machines reaps orphans late: a zombie is dead. */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }
}
