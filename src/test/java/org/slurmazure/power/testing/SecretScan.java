package org.slurmazure.power.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test suite's record of the secrets its runs used (client secrets, issued tokens, passwords) and of what those
 * runs wrote (stdout, stderr, power_save.log), under {@code target/secret-scan}; {@code SecretScanIT} reads it after
 * every other test and fails if any output holds any secret. Recording never fails a test.
 */
public final class SecretScan {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private SecretScan() {
    }

    /**
     * Where the record is kept: {@code -Dsecret.scan.dir}, else {@code target/secret-scan} of the build running the
     * tests (Maven sets {@code basedir}); null outside a test run (the standalone emulator records nothing).
     */
    public static Path dir() {
        String configured = System.getProperty("secret.scan.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        String basedir = System.getProperty("basedir");
        return basedir == null ? null : Path.of(basedir).resolve("target/secret-scan");
    }

    /** A value no output may contain. */
    public static void secret(String value) {
        if (value == null || value.length() < 6) {
            return;
        }
        Path dir = dir();
        append(dir == null ? null : dir.resolve("secrets.txt"), value + "\n");
    }

    /** Something a run wrote. */
    public static void output(String name, String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        String file = ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-"
                + name.replaceAll("[^A-Za-z0-9._-]", "_") + ".txt";
        Path dir = dir();
        append(dir == null ? null : dir.resolve("outputs").resolve(file), text);
    }

    /** A file a run wrote, if it exists. */
    public static void file(String name, Path path) {
        try {
            if (Files.isRegularFile(path)) {
                output(name, Files.readString(path, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            // unreadable: nothing to record
        }
    }

    private static synchronized void append(Path file, String text) {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
