package org.slurmazure.power.docgen;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import org.slurmazure.power.cli.SlurmAzurePower;

/**
 * The man pages and the bash completion of slurm-azure-power, generated from its picocli model at build time (the
 * pom runs this in prepare-package; packaging/build-packages.sh installs the result). One page per command that is
 * not hidden, found by walking the command tree: a subcommand added to the tree gets its page and its completion
 * without any list to update. Lives with the tests so that it is not in the shipped jar.
 *
 * <pre>
 * GenerateDocs --man DIR --completion FILE --version 0.1.0-SNAPSHOT --changelog CHANGELOG.md
 * </pre>
 *
 * The pages' date is that of the newest CHANGELOG.md entry (or $SOURCE_DATE_EPOCH), so that a build of the same
 * sources gives the same pages; that entry's version must be the build's version without its -SNAPSHOT.
 */
public final class GenerateDocs {
    /** The command name bash completes (and the completion file's name, as bash-completion looks it up). */
    static final String COMMAND = "slurm-azure-power";
    /** A CHANGELOG.md entry: "## 0.1.0 - 2026-12-06". */
    static final Pattern ENTRY = Pattern.compile("^## (\\S+) - (\\d{4}-\\d{2}-\\d{2})$", Pattern.MULTILINE);

    private GenerateDocs() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length || !List.of("--man", "--completion", "--version", "--changelog")
                    .contains(args[i])) {
                throw new IllegalArgumentException("usage: GenerateDocs --man DIR --completion FILE --version V "
                        + "--changelog FILE (found " + String.join(" ", args) + ")");
            }
            opts.put(args[i], args[i + 1]);
        }
        for (String required : List.of("--man", "--completion", "--version", "--changelog")) {
            if (!opts.containsKey(required)) {
                throw new IllegalArgumentException("GenerateDocs: " + required + " is required");
            }
        }
        String version = opts.get("--version");
        LocalDate date = pageDate(Path.of(opts.get("--changelog")), version, System.getenv("SOURCE_DATE_EPOCH"));
        CommandLine root = model();
        int pages = writeManPages(root, Path.of(opts.get("--man")), version, date);
        Path completion = Path.of(opts.get("--completion"));
        writeBashCompletion(root, completion);
        System.out.println("GenerateDocs: " + pages + " man pages in " + opts.get("--man") + ", bash completion "
                + completion + " (" + version + ", " + date + ")");
    }

    /** The command tree as the program builds it. */
    static CommandLine model() {
        return SlurmAzurePower.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    /** Every page, by file name. */
    static Map<String, String> manPages(CommandLine root, String version, LocalDate date) {
        Map<String, String> pages = new LinkedHashMap<>();
        for (CommandSpec spec : ManPage.tree(root.getCommandSpec())) {
            pages.put(ManPage.fileName(spec), new ManPage(spec, version, date).render());
        }
        return pages;
    }

    /** Writes the pages into dir (man1 layout: NAME.1), removing pages of commands that no longer exist. */
    static int writeManPages(CommandLine root, Path dir, String version, LocalDate date) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".1")).toList()) {
                Files.delete(p);
            }
        }
        Map<String, String> pages = manPages(root, version, date);
        for (Map.Entry<String, String> page : pages.entrySet()) {
            Files.writeString(dir.resolve(page.getKey()), page.getValue(), StandardCharsets.US_ASCII);
        }
        return pages.size();
    }

    /**
     * picocli's bash completion script for the tree (hidden commands and options left out), without its "#!" line:
     * bash-completion sources the file, it is not a program.
     */
    static String bashCompletion(CommandLine root) {
        String script = AutoComplete.bash(COMMAND, root);
        if (script.startsWith("#!")) {
            script = script.substring(script.indexOf('\n') + 1);
        }
        return "# bash completion of slurm-azure-power, generated from its picocli model at build time "
                + "(org.slurmazure.power.docgen.GenerateDocs)\n" + script;
    }

    static void writeBashCompletion(CommandLine root, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, bashCompletion(root), StandardCharsets.UTF_8);
    }

    /**
     * The date of the pages: $SOURCE_DATE_EPOCH when set (reproducible builds), else the date of the newest
     * CHANGELOG.md entry, which must be this version (without -SNAPSHOT): a build describes no version the changelog
     * does not.
     */
    static LocalDate pageDate(Path changelog, String version, String sourceDateEpoch) throws IOException {
        Matcher m = ENTRY.matcher(Files.readString(changelog, StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException(changelog + ": no entry \"## VERSION - YYYY-MM-DD\" found");
        }
        String base = version.replaceFirst("-.*$", "");
        if (!m.group(1).equals(base)) {
            throw new IllegalStateException(changelog + ": the newest entry is " + m.group(1) + ", but this build is "
                    + version + ": add an entry \"## " + base + " - YYYY-MM-DD\" at the top (the packages' "
                    + "changelogs are made from it)");
        }
        if (sourceDateEpoch != null && !sourceDateEpoch.isBlank()) {
            return LocalDate.ofInstant(Instant.ofEpochSecond(Long.parseLong(sourceDateEpoch.strip())), ZoneOffset.UTC);
        }
        return LocalDate.parse(m.group(2));
    }
}
