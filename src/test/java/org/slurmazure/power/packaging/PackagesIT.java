package org.slurmazure.power.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slurmazure.power.e2e.InstalledProgramsCycle;
import org.slurmazure.power.testing.Cmd;

/**
 * The packages as an admin gets them. Builds the DEB and the RPM with packaging/build-packages.sh from this build's
 * jar and lib/ (as {@code mvn -Ppackages package} does), then installs the DEB on this machine with dpkg, runs the
 * installed programs the way slurmctld runs them (SlurmUser, empty environment, closed stdio), upgrades it, removes
 * and purges it; the RPM is checked with {@code rpm -qp}. See docs/packaging.md.
 *
 * <p>Needs root and dpkg (Debian or a derivative); installs Debian's {@code rpm} package with apt-get when rpmbuild
 * is missing. Fails with one message when it cannot run; {@code -Dpackaging.skip=true} skips it. It owns the
 * {@code slurm-azure-power} package on this machine while it runs: it refuses to start when that package was
 * installed by something else, and purges its own install at the end. It leaves the slurm user, /var/log/slurm and
 * every Slurm package alone, so the end-to-end test can run at the same time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagesIT {
    static final String PKG = "slurm-azure-power";
    static final Path BIN = Path.of("/usr/bin/slurm-azure-power");
    static final String LIBEXEC = "/usr/libexec/slurm-azure-power/";
    static final List<String> PROGRAMS = List.of("resume", "suspend", "resume-fail");
    static final Map<String, String> SLURM_NAMES = Map.of("resume", "Resume", "suspend", "Suspend",
            "resume-fail", "ResumeFail");
    static final Path APP = Path.of("/usr/share/slurm-azure-power");
    static final Path JAR = APP.resolve("slurm-azure-power.jar");
    static final Path JVM_FILE = Path.of("/etc/slurm/azure-power.jvm");
    static final Path EXAMPLE = Path.of("/etc/slurm/azure-power.yaml.example");
    static final Path LOGROTATE = Path.of("/etc/logrotate.d/slurm-azure-power");
    static final Path STATE = Path.of("/var/lib/slurm-azure-power");
    static final Path DOC = Path.of("/usr/share/doc/slurm-azure-power");
    static final List<String> CONFFILES = List.of(JVM_FILE.toString(), EXAMPLE.toString(), LOGROTATE.toString());
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:+UseSerialGC", "-Xss512k", "-Xms16m", "-Xmx512m", "-XX:-UsePerfData", "-Xshare:auto");
    /** What train-archive reports after a complete training run (packaging/common/train-archive). */
    private static final String TRAINED =
            "(training run: resume, dry run, suspend and resume-fail of one node: ok, ";
    /** The start-up archives (class-data sharing) written by postinst / %post. */
    static final Path CACHE = Path.of("/var/cache/slurm-azure-power");
    static final Path MAN1 = Path.of("/usr/share/man/man1");
    static final Path COMPLETION = Path.of("/usr/share/bash-completion/completions/slurm-azure-power");
    static final Path POWER_SAVE_LOG = Path.of("/var/log/slurm/power_save.log");
    /** Where the RPM's %license puts LICENSE (the DEB has the copyright file only, as Debian wants). */
    static final String RPM_LICENSE = "/usr/share/licenses/slurm-azure-power/LICENSE";
    /** The DEB's changelog (the RPM has %changelog instead). */
    static final String DEB_CHANGELOG = DOC.resolve("changelog.Debian.gz").toString();
    static final String SITE_MAINTAINER = "Example Site HPC Team <hpc-admins@site.example>";
    /** Serializes this test across checkouts (two mvn verify at once would install the same package). */
    static final Path LOCK = Path.of("/tmp/slurm-azure-power-packaging-it.lock");
    /** Says that the installed package is this test's (a run killed before its clean-up left it installed). */
    static final Path MARKER = Path.of("/run/slurm-azure-power-packaging-it.installed");

    private final long t0 = System.nanoTime();
    private Path projectDir;
    private Path buildDir;
    private String version;
    private Path work;
    private Path site;
    /** What {@code dpkg -i} printed on the first install (postinst's training run among it). */
    private Cmd.Result installOutput;
    private Path deb;
    private Path rpm;
    private FileChannel lockChannel;
    private FileLock lock;
    private boolean installedByUs;
    private List<String> installedPaths = List.of();
    /** /var/log/slurm/power_save.log was not there before this test installed the package (which creates it). */
    private boolean logCreatedByUs;
    /** The mode and owners of power_save.log before the install, when it was there already. */
    private String logBefore;

    @BeforeAll
    void buildAndInstallTheDeb() throws Exception {
        if (Boolean.getBoolean("packaging.skip")) {
            Assumptions.abort("packaging test skipped (-Dpackaging.skip=true)");
        }
        String problem = prerequisites();
        if (problem != null) {
            fail("The packaging test cannot run here: " + problem + ". Run 'mvn verify' as root on Debian 12 (or a "
                    + "derivative with dpkg and apt-get), or skip this test with -Dpackaging.skip=true.");
        }
        projectDir = projectDir();
        buildDir = buildDir();
        try (JarFile jar = new JarFile(buildDir.resolve("slurm-azure-power.jar").toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
        work = Files.createTempDirectory("slurm-azure-power-packaging-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path out = work.resolve("packages");
        buildPackages(out, "1", "deb,rpm");
        deb = single(out, ".deb");
        rpm = single(out, ".rpm");
        log("built " + deb.getFileName() + " and " + rpm.getFileName());

        takeLock();
        Cmd.Result status = Cmd.of("dpkg-query", "-W", "-f=${db:Status-Abbrev} ${Version}", PKG).run();
        if (status.ok() && !status.out().startsWith("un") && !status.out().isBlank() && !Files.exists(MARKER)) {
            fail("The packaging test installs and purges " + PKG + ", but it is already installed here (" 
                    + status.out().strip() + ") by something else: remove it first (dpkg --purge " + PKG
                    + "), or skip this test with -Dpackaging.skip=true.");
        }
        Files.writeString(MARKER, "installed by " + getClass().getName() + " from " + projectDir + "\n");
        installedByUs = true;
        logCreatedByUs = !Files.exists(POWER_SAVE_LOG, LinkOption.NOFOLLOW_LINKS);
        logBefore = logCreatedByUs ? null : modeAndOwners(POWER_SAVE_LOG);
        installOutput = install(deb);
        installedPaths = List.of(Cmd.of("dpkg", "-L", PKG).run().check().out().strip().split("\n"));
        site = siteConfiguration();
        log("installed " + deb.getFileName());
    }

    @AfterAll
    void purgeAndCleanUp() throws IOException {
        try {
            if (installedByUs) {
                Cmd.Result status = Cmd.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}", PKG).run();
                if (status.ok() && !status.out().startsWith("un")) {
                    dpkg("--purge", PKG);
                }
                Files.deleteIfExists(MARKER);
                // power_save.log is kept by purge (a record of what ran), but this one was only made by our install.
                if (logCreatedByUs && Files.isRegularFile(POWER_SAVE_LOG) && Files.size(POWER_SAVE_LOG) == 0) {
                    Files.delete(POWER_SAVE_LOG);
                }
            }
        } finally {
            if (lock != null) {
                lock.release();
                lockChannel.close();
            }
            if (work != null) {
                deleteTree(work);
            }
            log("done");
        }
    }

    // ------------------------------------------------------------------------------------------------ the DEB

    @Test
    @Order(1)
    void debInstallsLaunchersJarsConffilesAndTheStateDirectoryWithTheirModesAndOwners() throws Exception {
        assertMode(BIN, "rwxr-xr-x", "root", "root");
        for (String p : PROGRAMS) {
            assertMode(Path.of(LIBEXEC + p), "rwxr-xr-x", "root", "root");
        }
        assertMode(JAR, "rw-r--r--", "root", "root");
        Set<String> expectedJars = new TreeSet<>(classPathJars(JAR));
        Set<String> installedJars;
        try (Stream<Path> s = Files.list(APP.resolve("lib"))) {
            installedJars = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expectedJars, installedJars, "lib/ holds exactly the jars of the manifest's Class-Path");
        for (String j : installedJars) {
            assertMode(APP.resolve("lib").resolve(j), "rw-r--r--", "root", "root");
        }
        for (String c : CONFFILES) {
            assertMode(Path.of(c), "rw-r--r--", "root", "root");
        }
        assertMode(STATE, "rwx------", "slurm", "slurm");
        assertTrue(Files.isDirectory(Path.of("/var/log/slurm")), "/var/log/slurm exists for power_save.log");
        for (String d : List.of("README.md", "copyright", "docs/packaging.md", "docs/azure-setup.md",
                "examples/slurm.conf.example", "examples/azure-role.json", "examples/azure-power.example.yaml")) {
            assertMode(DOC.resolve(d), "rw-r--r--", "root", "root");
        }

        assertFalse(installedPaths.contains("/etc/slurm/azure-power.yaml"),
                "the package ships only the example, never the configuration itself");
        for (String p : installedPaths) {
            Path path = Path.of(p);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(path)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
                assertFalse(perms.contains(PosixFilePermission.GROUP_WRITE)
                        || perms.contains(PosixFilePermission.OTHERS_WRITE),
                        p + " is group- or world-writable (slurmctld refuses such programs)");
            }
        }

        String conffiles = Cmd.of("dpkg-query", "-W", "-f=${Conffiles}", PKG).run().check().out();
        List<String> listed = conffiles.lines().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.split(" ")[0]).sorted().toList();
        assertEquals(CONFFILES.stream().sorted().toList(), listed, "conffiles");
        // The reconcile units, verified by systemd as installed, and the timer enabled (Debian enables services).
        for (String unit : List.of("/usr/lib/systemd/system/slurm-azure-power-reconcile.service",
                "/usr/lib/systemd/system/slurm-azure-power-reconcile.timer",
                "/usr/lib/tmpfiles.d/slurm-azure-power.conf")) {
            assertMode(Path.of(unit), "rw-r--r--", "root", "root");
        }
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            Cmd.Result verify = Cmd.of("systemd-analyze", "verify", "--man=no",
                    "/usr/lib/systemd/system/slurm-azure-power-reconcile.service",
                    "/usr/lib/systemd/system/slurm-azure-power-reconcile.timer").env("PATH", "/usr/bin:/bin").run();
            assertEquals("", (verify.out() + verify.err()).strip(), "systemd-analyze verify of the installed units");
        }
        assertTrue(Files.isSymbolicLink(Path.of("/etc/systemd/system/timers.target.wants/"
                + "slurm-azure-power-reconcile.timer")), "the timer is enabled on install");
        String depends = Cmd.of("dpkg-query", "-W", "-f=${Depends}", PKG).run().check().out();
        assertTrue(depends.startsWith("default-jre-headless (>= 2:1.17) | openjdk-17-jre-headless | "), depends);
        assertTrue(depends.contains("| java17-runtime-headless"), depends);
    }

    @Test
    @Order(1)
    void debInstallsAManPageForEveryCommandAndTheBashCompletion() throws IOException {
        List<Path> built;
        try (Stream<Path> s = Files.list(buildDir.resolve("man"))) {
            built = s.filter(p -> p.getFileName().toString().endsWith(".1")).sorted().toList();
        }
        assertTrue(built.size() >= 10, "the build generated the man pages: " + built);
        for (Path page : built) {
            Path installed = MAN1.resolve(page.getFileName() + ".gz");
            assertTrue(Files.exists(installed), installed + " is missing (a dpkg path-exclude in /etc/dpkg/dpkg.cfg.d "
                    + "drops /usr/share/man on minimal images)");
            assertMode(installed, "rw-r--r--", "root", "root");
            byte[] gz = Files.readAllBytes(installed);
            // gzip -n: no file name (FLG.FNAME) and no time stamp (MTIME) in the header, so builds are reproducible
            assertEquals(0, gz[3] & 0x08, installed + " names its source file");
            assertEquals(0, gz[4] | gz[5] | gz[6] | gz[7], installed + " has a time stamp");
            assertEquals(Files.readString(page), Cmd.of("zcat", installed.toString()).run().check().out(),
                    installed + " is the generated page");
            Cmd.Result groff = Cmd.of("bash", "-c", "zcat \"$1\" | groff -man -Tutf8 -ww -z", "bash",
                    installed.toString()).run();
            assertEquals("", groff.err(), installed + ": groff warnings");
        }
        // man finds the pages by name, as an admin types them; mandb's parser reads their NAME lines.
        for (String name : List.of("slurm-azure-power", "slurm-azure-power-resume", "slurm-azure-power-config-check")) {
            Cmd.Result where = Cmd.of("man", "-w", name).run();
            assertEquals(MAN1.resolve(name + ".1.gz").toString(), where.out().strip(), where.toString());
        }
        Cmd.Result lexgrog = Cmd.of("lexgrog", MAN1.resolve("slurm-azure-power-resume.1.gz").toString()).run();
        assertTrue(lexgrog.out().contains("\"slurm-azure-power-resume - Slurm's ResumeProgram: "), lexgrog.toString());
        Cmd.Result page = Cmd.of("man", "slurm-azure-power").env("MANPAGER", "cat").env("MANWIDTH", "100").run();
        assertTrue(page.out().contains("EXIT STATUS") && page.out().contains("slurm-azure-power-resume(1)"),
                page.toString());

        // The completion, where bash-completion loads it when the command is first completed.
        assertMode(COMPLETION, "rw-r--r--", "root", "root");
        Cmd.Result complete = Cmd.of("bash", "--norc", "--noprofile", "-c", "source \"$1\" && complete -p "
                + "slurm-azure-power && COMP_WORDS=(slurm-azure-power res) COMP_CWORD=1 COMP_LINE='slurm-azure-power "
                + "res' && _complete_slurm-azure-power && echo \"${COMPREPLY[*]}\"", "bash", COMPLETION.toString()).run();
        assertEquals("complete -o default -F _complete_slurm-azure-power slurm-azure-power\nresolve resume resume-fail",
                complete.out().strip(), complete.toString());
        Path loader = Path.of("/usr/share/bash-completion/bash_completion");
        if (Files.isReadable(loader)) {
            Cmd.Result loaded = Cmd.of("bash", "--norc", "--noprofile", "-c", "source \"$1\"; "
                    + "__load_completion slurm-azure-power && complete -p slurm-azure-power", "bash",
                    loader.toString()).run();
            assertTrue(loaded.out().contains("_complete_slurm-azure-power"), loaded.toString());
        } else {
            log("bash-completion is not installed: its lazy loading of " + COMPLETION + " is not checked");
        }
    }

    @Test
    @Order(1)
    void debHasItsMaintainerAChangelogOfThisVersionAndAMachineReadableCopyright() throws IOException {
        String maintainer = pomMaintainer();
        assertEquals(maintainer, Cmd.of("dpkg-query", "-W", "-f=${Maintainer}", PKG).run().check().out());
        String installedVersion = Cmd.of("dpkg-query", "-W", "-f=${Version}", PKG).run().check().out();
        Path changelog = work.resolve("changelog.Debian");
        Files.writeString(changelog, Cmd.of("zcat", DEB_CHANGELOG).run().check().out());
        assertMode(Path.of(DEB_CHANGELOG), "rw-r--r--", "root", "root");
        String parsed = Cmd.of("dpkg-parsechangelog", "-l", changelog.toString()).run().check().out();
        assertTrue(parsed.contains("\nVersion: " + installedVersion + "\n"), parsed);
        assertTrue(parsed.contains("\nMaintainer: " + maintainer + "\n"), parsed);
        assertTrue(parsed.contains("\nDistribution: " + (version.contains("-") ? "UNRELEASED" : "unstable") + "\n"),
                parsed);
        for (String line : Files.readAllLines(changelog)) {
            assertTrue(!line.startsWith("  ") || line.length() <= 80, "change line longer than 80 columns: " + line);
        }

        // DEP-5: the program's license, a Files paragraph naming each bundled jar, a License paragraph per license.
        String copyright = Files.readString(DOC.resolve("copyright"), StandardCharsets.UTF_8);
        List<String> paragraphs = List.of(copyright.strip().split("\n\n"));
        assertTrue(paragraphs.get(0).startsWith(
                "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"), paragraphs.get(0));
        assertTrue(paragraphs.contains("Files: *\nCopyright: 2026 The slurm-azure-power developers\nLicense: Apache-2.0"),
                copyright);
        Set<String> covered = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        Set<String> defined = new TreeSet<>();
        for (String p : paragraphs.subList(1, paragraphs.size())) {
            Matcher license = Pattern.compile("(?m)^License: (.+)$").matcher(p);
            assertTrue(license.find(), "paragraph without License: " + p);
            if (p.startsWith("Files:")) {
                Matcher files = Pattern.compile("(?s)^Files:(.*?)\n(?=\\S)").matcher(p);
                assertTrue(files.find(), p);
                covered.addAll(List.of(files.group(1).strip().split("\\s+")));
                assertTrue(p.contains("\nCopyright: "), "Files paragraph without Copyright: " + p);
                used.addAll(List.of(license.group(1).split(" (and|or) ")));
            } else {
                assertTrue(p.startsWith("License: ") && p.lines().count() > 1, "a License paragraph has a text: " + p);
                defined.add(license.group(1));
            }
        }
        assertEquals(used, defined, "every license named in a Files paragraph, and only those, has its paragraph");
        for (String jar : classPathJars(JAR)) {
            assertTrue(covered.contains(APP.resolve("lib").resolve(jar).toString().substring(1)),
                    jar + " is in no Files paragraph of " + DOC.resolve("copyright"));
        }
    }

    @Test
    @Order(1)
    void debCreatesPowerSaveLogAsLogrotateDoesAndLeavesAnExistingOneAlone() throws IOException {
        if (logCreatedByUs) {
            assertEquals(logrotateCreate(LOGROTATE), modeAndOwners(POWER_SAVE_LOG),
                    POWER_SAVE_LOG + " has the mode and owners of logrotate's create line");
            assertEquals(0, Files.size(POWER_SAVE_LOG));
        } else {
            log(POWER_SAVE_LOG + " was there before the install: checking that postinst left it alone");
            assertEquals(logBefore, modeAndOwners(POWER_SAVE_LOG), "postinst changed the existing " + POWER_SAVE_LOG);
        }
    }

    @Test
    @Order(2)
    void installedCommandRunsWithAnEmptyEnvironmentAsRootAndAsSlurm() {
        for (List<String> argv : List.of(List.of("env", "-i", BIN.toString(), "--version"),
                List.of("runuser", "-u", "slurm", "--", "env", "-i", BIN.toString(), "--version"))) {
            Cmd.Result r = Cmd.of(argv).run().check();
            assertVersionOutput(r);
        }
        // The environment that the JVM and the java launcher would read is ignored: the run is the same.
        Cmd.Result r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", "JDK_JAVA_OPTIONS=-XX:+NoSuchOption",
                "JAVA_TOOL_OPTIONS=-XX:+NoSuchOption", "_JAVA_OPTIONS=-XX:+NoSuchOption", "JAVA_HOME=/nonexistent",
                BIN.toString(), "--version").run().check();
        assertVersionOutput(r);
        assertFalse(r.err().contains("Picked up"), r.toString());
    }

    @Test
    @Order(3)
    void resumeProgramDryRunsAsSlurmWithAnEmptyEnvironmentAndAConfigFile() {
        Cmd.Result r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", LIBEXEC + "resume", "--dry-run",
                "--offline", "--config", site.resolve("azure-power.yaml").toString(), "azc[001-002]").run().check();
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("azc001\\s+azc001\\s+hpc1-burst\\s+-\\s+start unless running")),
                r.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("azc002\\s+azc002\\s+hpc1-burst\\s+-\\s+start unless running")),
                r.toString());
        assertTrue(r.out().contains("dry run: nothing was written to Azure or Slurm"), r.toString());
    }

    @Test
    @Order(3)
    void postinstWritesAStartUpArchiveThatTheLaunchersUseAndTheJarsAreUnsigned() throws IOException {
        // Trained on complete runs against the local stand-in of Azure, not on a failing one.
        assertTrue(installOutput.err().contains(TRAINED), installOutput.toString());
        List<Path> archives = startUpArchives();
        assertEquals(1, archives.size(), "one start-up archive in " + CACHE + ": " + archives);
        assertMode(archives.get(0), "rw-r--r--", "root", "root");
        assertTrue(archives.get(0).getFileName().toString().endsWith(".jsa"), "Java 17: a dynamic CDS archive");
        // -Xshare:on makes the JVM fail when the archive the launcher adds cannot be used (wrong JVM or jars).
        String original = Files.readString(JVM_FILE, StandardCharsets.UTF_8);
        try {
            Files.writeString(JVM_FILE, original + "\n-Xshare:on\n-Xlog:cds=info:file=" + site.resolve("log/cds.log") + "\n");
            Cmd.Result r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", LIBEXEC + "resume", "--dry-run",
                    "--offline", "--config", site.resolve("azure-power.yaml").toString(), "azc001").run();
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(Files.readString(site.resolve("log/cds.log")).contains(archives.get(0).toString()),
                    "the launcher adds " + archives.get(0));
        } finally {
            Files.writeString(JVM_FILE, original);
        }
        // A stale archive is ignored and its warning never reaches stdout (slurmctld reads it).
        Path stale = archives.get(0).resolveSibling(archives.get(0).getFileName() + ".keep");
        Files.copy(archives.get(0), stale);
        try {
            Files.write(archives.get(0), new byte[] {1, 2, 3, 4});
            Cmd.Result r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", BIN.toString(), "--version").run().check();
            assertVersionOutput(r);
            assertFalse(r.out().contains("warning"), r.toString());
        } finally {
            Files.move(stale, archives.get(0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> s = Files.list(APP.resolve("lib"))) {
            for (Path jar : s.toList()) {
                try (JarFile j = new JarFile(jar.toFile())) {
                    assertTrue(j.stream().noneMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")),
                            jar + " is still signed (the start-up archive skips signed jars)");
                }
            }
        }
    }

    private static List<Path> startUpArchives() throws IOException {
        if (!Files.isDirectory(CACHE)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(CACHE)) {
            return s.filter(p -> p.getFileName().toString().startsWith("app-")).sorted().toList();
        }
    }

    @Test
    @Order(4)
    void eachSlurmConfProgramFindsTheConfigBesideSlurmConfWithClosedStdioAndNamesItselfInTheLog() throws IOException {
        Path log = site.resolve("log/power_save.log");
        for (String p : PROGRAMS) {
            // As slurmctld 22.05 runs it: SlurmUser, only SLURM_CONF, fds 0-2 closed, one hostlist argument.
            Cmd.Result r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i",
                    "SLURM_CONF=" + site.resolve("slurm.conf"), "/bin/bash", "-c",
                    "exec 0<&- 1>&- 2>&-; exec \"$0\" \"$@\"", LIBEXEC + p, "--dry-run", "--offline", "--verbose",
                    "azc[001-002]").run();
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
            assertEquals(0, r.exitCode(), r + "\n" + text);
            assertTrue(text.contains("User slurm invoked " + SLURM_NAMES.get(p) + " " + LIBEXEC + p + " azc[001-002]"),
                    text);
        }
    }

    @Test
    @Order(5)
    void jvmOptionsAndJavaComeFromTheJvmFileOnly() throws IOException {
        String original = Files.readString(JVM_FILE, StandardCharsets.UTF_8);
        Path args = site.resolve("log/java-args");
        Path fakeJava = site.resolve("fake-java");
        // A java that records what it is given (and the option variables it sees), then runs the real one.
        Files.writeString(fakeJava, "#!/bin/bash\n"
                + "{ printf 'ENV %s %s %s\\n' \"${JDK_JAVA_OPTIONS-unset}\" \"${JAVA_TOOL_OPTIONS-unset}\" "
                + "\"${_JAVA_OPTIONS-unset}\"\n"
                + "  printf 'ARG %s\\n' \"$@\"; } > '" + args + "'\n"
                + "exec /usr/bin/java \"$@\"\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Files.writeString(JVM_FILE, original + "\n  -Dpackaging.it=with spaces  \njava=" + fakeJava + "\n");
            Cmd.Result r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", "SLURM_CONF=" + site.resolve("slurm.conf"),
                    "JDK_JAVA_OPTIONS=-XX:+NoSuchOption", "JAVA_TOOL_OPTIONS=-XX:+NoSuchOption",
                    "_JAVA_OPTIONS=-XX:+NoSuchOption", LIBEXEC + "suspend", "--dry-run", "--offline", "azc001").run();
            assertEquals(0, r.exitCode(), r.toString());
            List<String> expected = new ArrayList<>(List.of("ENV unset unset unset"));
            List<String> argv = new ArrayList<>(DEFAULT_JVM_OPTIONS);
            argv.addAll(List.of("-Dpackaging.it=with spaces", "-Dslurm.azure.program=" + LIBEXEC + "suspend", "-jar",
                    JAR.toString(), "suspend", "--dry-run", "--offline", "azc001"));
            argv.forEach(a -> expected.add("ARG " + a));
            assertEquals(expected, Files.readAllLines(args, StandardCharsets.UTF_8));

            // /usr/bin/slurm-azure-power passes no program name: the log names the subcommand instead.
            Cmd.of("env", "-i", BIN.toString(), "--version").run().check();
            assertFalse(Files.readString(args).contains("-Dslurm.azure.program"), Files.readString(args));

            Files.writeString(JVM_FILE, original + "Xmx1g\n");
            int line = (int) original.lines().count() + 1;
            r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", BIN.toString(), "--version").run();
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.err().contains(JVM_FILE + ":" + line + ": expected a JVM option starting with \"-\""), r.toString());

            Files.writeString(JVM_FILE, original);
            Files.setPosixFilePermissions(JVM_FILE, PosixFilePermissions.fromString("rw-------"));
            r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", BIN.toString(), "--version").run();
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.err().contains("cannot read " + JVM_FILE), r.toString());
        } finally {
            Files.writeString(JVM_FILE, original);
            Files.setPosixFilePermissions(JVM_FILE, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    @Order(6)
    void theInstalledProgramsRunFromARealSlurmctldThroughResumeSuspendAndResumeFail() throws Exception {
        // The end-to-end harness, pointed at /usr/libexec/slurm-azure-power (e2e.InstalledProgramsCycle).
        Assumptions.assumeFalse(Boolean.getBoolean("e2e.skip"), "end-to-end tests skipped (-De2e.skip=true)");
        String problem = InstalledProgramsCycle.prerequisites();
        if (problem != null) {
            fail("The installed programs cannot be run from a real slurmctld here: " + problem
                    + " (or skip the end-to-end tests with -De2e.skip=true)");
        }
        InstalledProgramsCycle.run(Path.of(LIBEXEC), buildDir.resolve("e2e-logs-installed"));
    }

    @Test
    @Order(7)
    void upgradeKeepsTheAdminsEditsOfConffiles() throws IOException {
        Path out = work.resolve("packages-2");
        buildPackages(out, "2", "deb", "--maintainer", SITE_MAINTAINER);
        Path deb2 = single(out, ".deb");
        String edit = "# edited by the admin\n-Dpackaging.it.edit=kept\n";
        Files.writeString(JVM_FILE, edit, StandardOpenOption.APPEND);

        Cmd.Result upgrade = install(deb2);
        assertTrue(upgrade.err().contains(TRAINED), upgrade.toString());
        String installed = Cmd.of("dpkg-query", "-W", "-f=${Version}", PKG).run().check().out();
        assertTrue(installed.endsWith("-2"), "upgraded to release 2, found " + installed);
        // A site's packager (mvn -Dpackages.maintainer=..., build-packages.sh --maintainer) signs control and changelog.
        assertEquals(SITE_MAINTAINER, Cmd.of("dpkg-query", "-W", "-f=${Maintainer}", PKG).run().check().out());
        assertTrue(Cmd.of("zcat", DEB_CHANGELOG).run().check().out().contains("\n -- " + SITE_MAINTAINER + "  "));
        assertTrue(Files.readString(JVM_FILE).endsWith(edit), "the admin's edit of " + JVM_FILE + " is kept");
        for (String suffix : List.of(".dpkg-dist", ".dpkg-new", ".dpkg-old")) {
            assertFalse(Files.exists(Path.of(JVM_FILE + suffix)), JVM_FILE + suffix);
        }
        assertMode(STATE, "rwx------", "slurm", "slurm");
        assertVersionOutput(Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", BIN.toString(), "--version").run().check());
        List<Path> archives = startUpArchives();
        assertEquals(1, archives.size(), "the upgrade rewrote the start-up archive: " + archives);
    }

    @Test
    @Order(8)
    void removeKeepsConffilesAndPurgeRemovesEverything() throws IOException {
        dpkg("-r", PKG).check();
        assertTrue(Cmd.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}", PKG).run().out().startsWith("rc"),
                "removed, conffiles kept");
        for (Path gone : List.of(BIN, Path.of(LIBEXEC), APP, DOC, CACHE, COMPLETION,
                MAN1.resolve("slurm-azure-power.1.gz"), MAN1.resolve("slurm-azure-power-resume.1.gz"))) {
            assertFalse(Files.exists(gone, LinkOption.NOFOLLOW_LINKS), gone + " is still there after dpkg -r");
        }
        for (String c : CONFFILES) {
            assertTrue(Files.exists(Path.of(c)), c + " (a conffile) is kept by dpkg -r");
        }

        dpkg("--purge", PKG).check();
        Cmd.Result status = Cmd.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}", PKG).run();
        assertTrue(!status.ok() || status.out().startsWith("un"), status.toString());
        List<String> left = new ArrayList<>();
        for (String p : installedPaths) {
            Path path = Path.of(p);
            boolean shared = Files.isDirectory(path) && !p.contains("slurm-azure-power");
            if (!shared && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                left.add(p);
            }
        }
        for (String c : CONFFILES) {
            for (String suffix : List.of("", ".dpkg-dist", ".dpkg-old", ".dpkg-new", ".dpkg-bak")) {
                if (Files.exists(Path.of(c + suffix))) {
                    left.add(c + suffix);
                }
            }
        }
        if (Files.exists(STATE)) {
            left.add(STATE.toString());
        }
        assertEquals(List.of(), left, "left behind by dpkg --purge");
        assertFalse(Files.exists(Path.of("/etc/systemd/system/timers.target.wants/slurm-azure-power-reconcile.timer"),
                LinkOption.NOFOLLOW_LINKS), "the timer's enablement is purged");
        assertFalse(Cmd.of("dpkg-statoverride", "--list").run().out().contains(STATE.toString()), "statoverride left");
        assertTrue(Files.isDirectory(Path.of("/var/log/slurm")), "/var/log/slurm (shared with Slurm) is kept");
        assertTrue(Files.exists(POWER_SAVE_LOG), POWER_SAVE_LOG + " (a record of what ran) is kept");
        assertTrue(Cmd.of("id", "-u", "slurm").run().ok(), "the slurm user (shared with Slurm) is kept");
    }

    // ------------------------------------------------------------------------------------------------ the RPM

    @Test
    @Order(10)
    void rpmHoldsTheSameFilesAsTheDebWithModesOwnersAndConfigFlags() {
        Map<String, String[]> files = new LinkedHashMap<>();
        String q = Cmd.of("rpm", "-qp", "--qf",
                "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags}| %{FILENAMES}\\n]",
                rpm.toString()).run().check().out();
        for (String l : q.strip().split("\n")) {
            String[] halves = l.split("\\| ", 2);
            files.put(halves[1], halves[0].strip().split(" +"));
        }
        assertRpm(files, BIN.toString(), "-rwxr-xr-x", "root", "root", "");
        for (String p : PROGRAMS) {
            assertRpm(files, LIBEXEC + p, "-rwxr-xr-x", "root", "root", "");
        }
        assertRpm(files, JAR.toString(), "-rw-r--r--", "root", "root", "");
        for (String c : CONFFILES) {
            assertRpm(files, c, "-rw-r--r--", "root", "root", "cn");
        }
        assertRpm(files, STATE.toString(), "drwx------", "slurm", "slurm", "");
        assertRpm(files, DOC.resolve("README.md").toString(), "-rw-r--r--", "root", "root", "d");
        assertRpm(files, "/usr/lib/systemd/system/slurm-azure-power-reconcile.timer", "-rw-r--r--", "root", "root",
                "");
        // (rpm flags whatever is under /usr/share/man as documentation: "d")
        assertRpm(files, MAN1.resolve("slurm-azure-power.1.gz").toString(), "-rw-r--r--", "root", "root", "d");
        assertRpm(files, MAN1.resolve("slurm-azure-power-resume-fail.1.gz").toString(), "-rw-r--r--", "root", "root",
                "d");
        assertRpm(files, COMPLETION.toString(), "-rw-r--r--", "root", "root", "");
        assertRpm(files, RPM_LICENSE, "-rw-r--r--", "root", "root", "l");
        // Slurm's packages own /etc/slurm; the RPM lists only its own files there (and no other directory of others).
        for (String shared : List.of("/etc/slurm", "/etc/logrotate.d", "/usr/share/man/man1", "/usr/share/licenses",
                "/usr/share/bash-completion/completions", "/usr/lib/systemd/system", "/usr/bin", "/usr/libexec")) {
            assertFalse(files.containsKey(shared), "the RPM owns " + shared);
        }

        Set<String> rpmFiles = new TreeSet<>(List.of(Cmd.of("rpm", "-qlp", rpm.toString()).run().check().out()
                .strip().split("\n")));
        assertEquals(rpmFiles, files.keySet().stream().collect(Collectors.toCollection(TreeSet::new)));
        Set<String> debFiles = new TreeSet<>();
        for (String l : Cmd.of("dpkg-deb", "-c", deb.toString()).run().check().out().strip().split("\n")) {
            String path = l.substring(l.indexOf("./") + 1);
            if (!l.startsWith("d")) {
                debFiles.add(path);
            }
        }
        Set<String> rpmPlainFiles = files.entrySet().stream().filter(e -> !e.getValue()[0].startsWith("d"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(debFiles.remove(DEB_CHANGELOG), "the DEB has " + DEB_CHANGELOG);
        assertTrue(rpmPlainFiles.remove(RPM_LICENSE), "the RPM has " + RPM_LICENSE);
        assertEquals(debFiles, rpmPlainFiles, "the DEB and the RPM install the same files (but for the DEB's changelog "
                + "and the RPM's license file)");
    }

    @Test
    @Order(11)
    void rpmScriptletsCreateTheSlurmUserAndTheLogDirectoryAndRemoveNothing() throws IOException {
        String scripts = Cmd.of("rpm", "-qp", "--scripts", rpm.toString()).run().check().out();
        assertTrue(scripts.contains("preinstall scriptlet (using /bin/sh)"), scripts);
        assertTrue(scripts.contains("getent passwd slurm >/dev/null ||"), scripts);
        assertTrue(scripts.contains("useradd -r -g slurm -M -d /nonexistent -s /sbin/nologin"), scripts);
        assertTrue(scripts.contains("getent group slurm >/dev/null || groupadd -r slurm"), scripts);
        assertTrue(scripts.contains("postinstall scriptlet (using /bin/sh)"), scripts);
        assertTrue(scripts.contains("install -d -o slurm -g slurm -m 0755 /var/log/slurm"), scripts);
        // The log is created as the packaged logrotate rule creates it (the RPM's rule is the same file as the DEB's).
        String[] create = logrotateCreate(projectDir.resolve("packaging/common/logrotate")).split(" ");
        assertTrue(scripts.contains("install -m " + create[0] + " -o " + create[1] + " -g " + create[2] + " /dev/null "
                + POWER_SAVE_LOG), scripts);
        assertTrue(scripts.contains("/usr/share/slurm-azure-power/train-archive"), scripts);
        // On removal only the start-up archives go (the state directory, logs and the slurm user stay).
        String preun = Cmd.of("rpm", "-qp", "--qf", "%{PREUN}", rpm.toString()).run().check().out();
        assertTrue(preun.contains("rm -f /var/cache/slurm-azure-power/app-*"), preun);
        assertFalse(preun.contains("/var/lib") || preun.contains("userdel") || preun.contains("/var/log"), preun);
        // After removal systemd only forgets the units (daemon-reload); nothing is deleted.
        String postun = Cmd.of("rpm", "-qp", "--qf", "%{POSTUN}", rpm.toString()).run().check().out();
        assertEquals(List.of("systemctl daemon-reload >/dev/null 2>&1 || :"), postun.lines().map(String::strip)
                .filter(l -> l.startsWith("systemctl") || l.startsWith("rm") || l.contains("del")).toList(), postun);
        for (String tag : List.of("PREIN", "POSTIN", "PREUN", "POSTUN")) {
            Path body = work.resolve(tag + ".sh");
            Files.writeString(body, Cmd.of("rpm", "-qp", "--qf", "%{" + tag + "}", rpm.toString()).run().check().out());
            Cmd.of("sh", "-n", body.toString()).run().check();
        }
    }

    @Test
    @Order(12)
    void rpmRequiresAHeadlessJava17RuntimeAndNothingOfTheBuildHost() {
        List<String> requires = List.of(Cmd.of("rpm", "-qp", "--requires", rpm.toString()).run().check().out()
                .strip().split("\n"));
        assertTrue(requires.contains("(java-17-openjdk-headless or jre-headless >= 1:17)"), requires.toString());
        Set<String> allowed = Set.of("(java-17-openjdk-headless or jre-headless >= 1:17)", "/bin/sh", "bash",
                "coreutils", "glibc-common", "shadow-utils");
        for (String r : requires) {
            assertTrue(allowed.contains(r) || r.startsWith("rpmlib("), "unexpected requirement " + r);
        }
        String nevra = Cmd.of("rpm", "-qp", "--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}", rpm.toString()).run()
                .check().out();
        Matcher m = Pattern.compile("([^-]+)(?:-(.+))?").matcher(version);
        assertTrue(m.matches(), version);
        String release = m.group(2) == null ? "1" : "0.1." + m.group(2).replace('-', '.');
        assertEquals(PKG + " " + m.group(1) + " " + release + " noarch", nevra);
        assertTrue(Cmd.of("rpm", "-qp", "--recommends", rpm.toString()).run().check().out().contains("logrotate"));
    }

    @Test
    @Order(12)
    void rpmHasTheLicensesThePackagerAndAChangelogOfThisVersion() {
        String license = Cmd.of("rpm", "-qp", "--qf", "%{LICENSE}", rpm.toString()).run().check().out();
        assertTrue(license.startsWith("Apache-2.0 AND "), license);
        assertFalse(license.contains("LicenseRef"), license);
        for (String bundled : List.of("MIT", "MIT-0", "(EPL-1.0 OR LGPL-2.1-only)")) {
            assertTrue(List.of(license.split(" AND ")).contains(bundled), bundled + " in " + license);
        }
        String maintainer = pomMaintainer();
        assertEquals(maintainer, Cmd.of("rpm", "-qp", "--qf", "%{PACKAGER}", rpm.toString()).run().check().out());
        String versionRelease = Cmd.of("rpm", "-qp", "--qf", "%{VERSION}-%{RELEASE}", rpm.toString()).run().check()
                .out();
        String changelog = Cmd.of("rpm", "-qp", "--changelog", rpm.toString()).run().check().out();
        assertTrue(changelog.matches("(?s)\\* \\w{3} \\w{3} \\d{2} \\d{4} " + Pattern.quote(maintainer) + " - "
                + Pattern.quote(versionRelease) + "\n- .*"), changelog);
    }

    @Test
    @Order(13)
    void rpmInstallsRunsItsScriptletsAndErasesCleanlyWithRpmOnThisMachine() throws IOException {
        // Not EL: Debian's rpm 4.18 with a database of its own (--nodeps: it knows no Debian package), after the DEB
        // was purged. The scriptlets run for real: %pre (slurm exists), %post (log directory, training run).
        assertFalse(Files.exists(BIN), "the DEB is still installed: " + BIN);
        Path db = work.resolve("rpmdb");
        Cmd.of("rpm", "--initdb", "--dbpath", db.toString()).run().check();
        if (logCreatedByUs) {
            Files.deleteIfExists(POWER_SAVE_LOG); // the DEB's (purge keeps it): let %post create it
        }
        try {
            Cmd.Result install = Cmd.of("rpm", "-i", "--nodeps", "--dbpath", db.toString(), rpm.toString())
                    .timeout(Duration.ofMinutes(3)).run().check();
            assertTrue(install.err().contains(TRAINED), install.toString());
            assertEquals(1, startUpArchives().size(), "%post wrote the start-up archive");
            if (logCreatedByUs) {
                assertEquals(logrotateCreate(projectDir.resolve("packaging/common/logrotate")),
                        modeAndOwners(POWER_SAVE_LOG), "%post creates " + POWER_SAVE_LOG + " as logrotate does");
            }
            assertEquals(Files.readString(projectDir.resolve("LICENSE")), Files.readString(Path.of(RPM_LICENSE)));
            assertTrue(Cmd.of("man", "-w", "slurm-azure-power-status").run().ok(), "the RPM's man pages are found");
            assertMode(STATE, "rwx------", "slurm", "slurm");
            Cmd.Result r = Cmd.of("runuser", "-u", "slurm", "--", "env", "-i", LIBEXEC + "resume", "--dry-run",
                    "--offline", "--config", site.resolve("azure-power.yaml").toString(), "azc001").run().check();
            assertTrue(r.out().contains("dry run: nothing was written to Azure or Slurm"), r.toString());

            Cmd.of("rpm", "-e", "--nodeps", "--dbpath", db.toString(), PKG).run().check();
            for (Path gone : List.of(BIN, Path.of(LIBEXEC), APP, CACHE)) {
                assertFalse(Files.exists(gone), gone + " is left after rpm -e");
            }
            assertTrue(Cmd.of("id", "-u", "slurm").run().ok(), "the slurm user stays");
        } finally {
            if (Cmd.of("rpm", "-q", "--dbpath", db.toString(), PKG).run().ok()) {
                Cmd.of("rpm", "-e", "--nodeps", "--dbpath", db.toString(), PKG).run();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void buildPackages(Path out, String release, String formats, String... more) {
        long t = System.nanoTime();
        List<String> argv = new ArrayList<>(List.of("bash", projectDir.resolve("packaging/build-packages.sh").toString(),
                "--build-dir", buildDir.toString(), "--version", version, "--release", release, "--formats", formats,
                "--out", out.toString(), "--project-dir", projectDir.toString(), "--java-home",
                System.getProperty("java.home")));
        argv.addAll(List.of(more));
        Cmd.of(argv).timeout(Duration.ofMinutes(2)).run().check();
        log(String.format("build-packages.sh --formats %s: %.1f s", formats, (System.nanoTime() - t) / 1e9));
    }

    private Cmd.Result install(Path pkg) {
        Cmd.Result r = dpkg("-i", pkg.toString());
        if (!r.ok() && r.err().contains("dependency problems")) {
            // No Debian package provides a Java 17+ runtime here (a JDK from a tarball): the launchers find it
            // under /usr/lib/jvm anyway. The Depends field itself is checked by a test.
            log("no Debian package satisfies the Java dependency here: installing with --force-depends");
            r = dpkg("-i", "--force-depends", pkg.toString());
        }
        return r.check();
    }

    /** dpkg, waiting (up to 2 minutes) while another dpkg or apt-get holds its lock. */
    private static Cmd.Result dpkg(String... args) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Cmd.Result r = Cmd.of(Cmd.concat(List.of("dpkg"), args)).env("DEBIAN_FRONTEND", "noninteractive")
                    .timeout(Duration.ofMinutes(2)).run();
            if (r.ok() || !r.err().contains("lock") || System.nanoTime() > deadline) {
                return r;
            }
            sleep(1000);
        }
    }

    private static String prerequisites() {
        if (!Cmd.of("id", "-u").run().out().strip().equals("0")) {
            return "it must run as root (it installs and purges a package with dpkg); you are "
                    + System.getProperty("user.name");
        }
        for (String tool : List.of("/usr/bin/dpkg", "/usr/bin/dpkg-deb", "/usr/bin/dpkg-query",
                "/usr/bin/dpkg-statoverride", "/usr/sbin/runuser")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return tool + " is missing: it needs a Debian-like system";
            }
        }
        if (!Files.isExecutable(Path.of("/usr/bin/rpmbuild"))) {
            Cmd.Result r = Cmd.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "rpm")
                    .env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(5)).run();
            if (!r.ok()) {
                Cmd.of("apt-get", "update", "-qq").timeout(Duration.ofMinutes(3)).run();
                r = Cmd.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "rpm")
                        .env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(5)).run();
            }
            if (!r.ok() || !Files.isExecutable(Path.of("/usr/bin/rpmbuild"))) {
                return "rpmbuild is missing and 'apt-get install rpm' failed: " + r.err().strip();
            }
        }
        return null;
    }

    private void takeLock() throws IOException {
        lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while ((lock = lockChannel.tryLock()) == null) {
            if (System.nanoTime() > deadline) {
                fail("another packaging test has held " + LOCK + " for 5 minutes");
            }
            sleep(500);
        }
    }

    /** A directory slurm can read, like /etc/slurm: slurm.conf, azure-power.yaml (from the installed example). */
    private Path siteConfiguration() throws IOException {
        Path dir = Files.createDirectories(work.resolve("site"));
        Path logDir = Files.createDirectories(dir.resolve("log"));
        Path stateDir = Files.createDirectories(dir.resolve("state"));
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        for (Path d : List.of(logDir, stateDir)) {
            Files.setOwner(d, users.lookupPrincipalByName("slurm"));
            Files.getFileAttributeView(d, java.nio.file.attribute.PosixFileAttributeView.class)
                    .setGroup(users.lookupPrincipalByGroupName("slurm"));
        }
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        String example = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
        String config = example.replace("file: /var/log/slurm/power_save.log", "file: " + logDir.resolve("power_save.log"))
                .replace("stateDir: /var/lib/slurm-azure-power", "stateDir: " + stateDir);
        assertFalse(config.equals(example) || config.contains("/var/log/slurm/power_save.log\n"),
                "the example's log.file and stateDir lines changed: update this test");
        Files.writeString(dir.resolve("azure-power.yaml"), config);
        Files.writeString(dir.resolve("slurm.conf"), "# only its directory matters here\n");
        for (Path d : List.of(dir, logDir)) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    private void assertVersionOutput(Cmd.Result r) {
        List<String> lines = r.out().lines().toList();
        assertEquals("slurm-azure-power " + version, lines.get(0), r.toString());
        Matcher m = Pattern.compile("Java (\\d+)[.+].*").matcher(lines.get(1));
        assertTrue(m.matches() && Integer.parseInt(m.group(1)) >= 17, r.toString());
    }

    /** The maintainer build-packages.sh uses by default: the pom's packages.maintainer. */
    private String pomMaintainer() {
        try {
            Matcher m = Pattern.compile("<packages\\.maintainer>(.+?)</packages\\.maintainer>")
                    .matcher(Files.readString(projectDir.resolve("pom.xml")));
            assertTrue(m.find(), "packages.maintainer in the pom");
            return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** "0640 slurm slurm" from a logrotate rule's create line. */
    private static String logrotateCreate(Path rule) throws IOException {
        Matcher m = Pattern.compile("(?m)^\\s*create\\s+(0[0-7]{3})\\s+(\\S+)\\s+(\\S+)\\s*$")
                .matcher(Files.readString(rule));
        assertTrue(m.find(), "a create line with mode, owner and group in " + rule);
        return m.group(1) + " " + m.group(2) + " " + m.group(3);
    }

    /** "0640 slurm slurm": a file's mode (octal) and owners. */
    private static String modeAndOwners(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission perm : a.permissions()) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return String.format("%04o %s %s", mode, a.owner().getName(), a.group().getName());
    }

    private static void assertMode(Path p, String perms, String owner, String group) throws IOException {
        assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " is missing");
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals(perms + " " + owner + ":" + group, PosixFilePermissions.toString(a.permissions()) + " "
                + a.owner().getName() + ":" + a.group().getName(), p.toString());
    }

    private static void assertRpm(Map<String, String[]> files, String path, String mode, String user, String group,
            String flags) {
        String[] f = files.get(path);
        assertTrue(f != null, path + " is not in the RPM");
        assertEquals(mode + " " + user + " " + group + " " + flags,
                String.join(" ", f[0], f[1], f[2], f.length > 3 ? f[3] : ""), path);
    }

    private static List<String> classPathJars(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            String cp = j.getManifest().getMainAttributes().getValue("Class-Path");
            return Stream.of(cp.trim().split("\\s+")).map(e -> e.substring("lib/".length())).toList();
        }
    }

    private static Path single(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            assertEquals(1, found.size(), "one " + suffix + " in " + dir + ": " + found);
            return found.get(0);
        }
    }

    /** The checkout: -Dpackaging.projectDir, else Maven's basedir, else the working directory. */
    private static Path projectDir() {
        String p = System.getProperty("packaging.projectDir", System.getProperty("basedir", ""));
        Path dir = Paths.get(p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("packaging/build-packages.sh"))) {
            fail(dir + " is not a checkout of slurm-azure-power (no packaging/build-packages.sh): set "
                    + "-Dpackaging.projectDir=DIR");
        }
        return dir;
    }

    /**
     * The build output holding slurm-azure-power.jar and lib/: -Dpackaging.buildDir, else the parent of the
     * test-classes these classes come from (the current build, also with -Dbuild.dir=...), else target/.
     */
    private Path buildDir() {
        String p = System.getProperty("packaging.buildDir");
        Path dir = null;
        if (p != null && !p.isBlank()) {
            dir = projectDir.resolve(p).normalize();
        } else {
            try {
                Path classes = Paths.get(PackagesIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (classes.getFileName().toString().equals("test-classes")
                        && Files.isRegularFile(classes.resolveSibling("slurm-azure-power.jar"))) {
                    dir = classes.getParent();
                }
            } catch (URISyntaxException | RuntimeException e) {
                // fall through to the default
            }
            if (dir == null) {
                dir = projectDir.resolve("target");
            }
        }
        if (!Files.isRegularFile(dir.resolve("slurm-azure-power.jar")) || !Files.isDirectory(dir.resolve("lib"))) {
            fail(dir + " holds no slurm-azure-power.jar and lib/: build first (mvn -DskipTests package), or set "
                    + "-Dpackaging.buildDir=DIR");
        }
        return dir;
    }

    private void log(String message) {
        System.out.printf("[packaging] %5.1f s  %s%n", (System.nanoTime() - t0) / 1e9, message);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
