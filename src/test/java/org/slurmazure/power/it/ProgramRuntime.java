package org.slurmazure.power.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the checkout launchers (bin/slurm-azure-power and the slurm.conf wrappers beside it) run: the JVM with
 * target/slurm-azure-power.jar, or the native executable (docs/native-image.md), which the launcher runs when
 * SLURM_AZURE_POWER_NATIVE names it. Black-box tests of the built programs run once per runtime.
 *
 * <p>The native executable is the one named by the system property {@value #PROPERTY} (src/test/native/check.sh
 * sets it; it must exist), else target/native/slurm-azure-power when it is at least as new as
 * target/slurm-azure-power.jar (a {@code mvn -Pnative package} of the same sources). Without either, the native
 * runs are skipped with one line saying why.
 */
enum ProgramRuntime {
    JVM,
    NATIVE;

    static final String PROPERTY = "slurm.azure.native";
    static final Path CHECKOUT = Path.of("").toAbsolutePath();
    static final Path DEFAULT_NATIVE = CHECKOUT.resolve("target/native/slurm-azure-power");
    static final Path JAR = CHECKOUT.resolve("target/slurm-azure-power.jar");

    /** The environment entries (beyond slurmctld's) that make the checkout launcher run this runtime. */
    Map<String, String> environment() {
        return this == NATIVE ? Map.of("SLURM_AZURE_POWER_NATIVE", nativeExecutable().toString()) : Map.of();
    }

    /** Why this runtime cannot be tested here, or null when it can. */
    String unavailable() throws java.io.IOException {
        if (this == JVM) {
            return null;
        }
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            return null; // named explicitly: it must exist (see nativeExecutable)
        }
        if (!Files.isExecutable(DEFAULT_NATIVE)) {
            return "native runs skipped: no " + CHECKOUT.relativize(DEFAULT_NATIVE) + " (build it with "
                    + "src/test/native/check.sh, or pass -D" + PROPERTY + "=PATH; docs/native-image.md)";
        }
        if (Files.exists(JAR) && Files.getLastModifiedTime(DEFAULT_NATIVE).compareTo(Files.getLastModifiedTime(JAR)) < 0) {
            return "native runs skipped: " + CHECKOUT.relativize(DEFAULT_NATIVE) + " is older than "
                    + CHECKOUT.relativize(JAR) + " (rebuild it with src/test/native/check.sh, or pass -D" + PROPERTY
                    + "=PATH)";
        }
        return null;
    }

    /** The native executable; fails when it was named explicitly and is not there. */
    static Path nativeExecutable() {
        String given = System.getProperty(PROPERTY);
        if (given == null || given.isBlank()) {
            return DEFAULT_NATIVE;
        }
        Path p = Path.of(given).toAbsolutePath();
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException("-D" + PROPERTY + "=" + given + ": no executable there");
        }
        return p;
    }
}
