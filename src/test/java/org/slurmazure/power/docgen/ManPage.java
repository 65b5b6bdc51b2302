package org.slurmazure.power.docgen;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One man page (troff, man(7) macros) of one command, from its picocli {@link CommandSpec}: NAME, SYNOPSIS,
 * DESCRIPTION, COMMANDS, OPTIONS, EXIT STATUS, ENVIRONMENT, FILES, SEE ALSO. Everything about the command itself
 * (names, options, parameters, descriptions, subcommands, exit codes) comes from the model; what the model does not
 * hold (the installed files, the environment) is written here once for every page. The output is ASCII only: other
 * characters become troff escapes, so it needs no preconv and renders the same in every locale.
 */
final class ManPage {
    /** Where the package installs what the FILES section names (docs/packaging.md). */
    static final Map<String, String> FILES = filesSection();

    private final CommandSpec spec;
    private final String version;
    private final LocalDate date;

    ManPage(CommandSpec spec, String version, LocalDate date) {
        this.spec = spec;
        this.version = version;
        this.date = date;
    }

    /** The page's name: the command's words joined by "-" (slurm-azure-power-config-check). */
    static String name(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** The file the page goes to. */
    static String fileName(CommandSpec spec) {
        return name(spec) + ".1";
    }

    /** The non-hidden subcommands of a command, once each (picocli lists an alias as another key). */
    static List<CommandSpec> subcommands(CommandSpec spec) {
        Set<CommandSpec> seen = new LinkedHashSet<>();
        for (CommandLine sub : spec.subcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                seen.add(sub.getCommandSpec());
            }
        }
        return List.copyOf(seen);
    }

    /** The command and every non-hidden command below it, depth first. */
    static List<CommandSpec> tree(CommandSpec spec) {
        List<CommandSpec> all = new ArrayList<>();
        all.add(spec);
        for (CommandSpec sub : subcommands(spec)) {
            all.addAll(tree(sub));
        }
        return all;
    }

    /** The one-line summary: the command's header if it has one, else the first sentence of its description. */
    static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        if (header.length > 0 && !header[0].isBlank()) {
            return format(header[0]).strip();
        }
        List<String> description = paragraphs(spec.usageMessage().description());
        if (description.isEmpty()) {
            return "";
        }
        String first = description.get(0);
        int end = first.indexOf(". ");
        return end < 0 ? first : first.substring(0, end + 1);
    }

    String render() {
        StringBuilder t = new StringBuilder();
        String name = name(spec);
        t.append(".\\\" Generated from the picocli model of slurm-azure-power by ")
                .append("org.slurmazure.power.docgen.GenerateDocs at build time: do not edit.\n");
        t.append(".TH ")
                .append(quoted(name.toUpperCase(Locale.ROOT)))
                .append(" 1 ")
                .append(quoted(date.toString()))
                .append(' ')
                .append(quoted("slurm-azure-power " + version))
                .append(' ')
                .append(quoted("slurm-azure-power manual"))
                .append('\n');

        section(t, "NAME");
        String summary = summary(spec);
        t.append(escape(name)).append(summary.isEmpty() ? "" : " \\- " + escape(summary)).append('\n');

        section(t, "SYNOPSIS");
        synopsis(t);

        String[] description = spec.usageMessage().description();
        if (description.length > 0) {
            section(t, "DESCRIPTION");
            paragraphs(t, description);
        }

        List<CommandSpec> subcommands = subcommands(spec);
        if (!subcommands.isEmpty()) {
            section(t, "COMMANDS");
            for (CommandSpec sub : subcommands) {
                t.append(".TP\n").append(bold(sub.name())).append('\n');
                t.append(escape(summary(sub))).append(" See ").append(reference(sub)).append(".\n");
            }
        }

        List<PositionalParamSpec> positionals = spec.positionalParameters().stream()
                .filter(p -> !p.hidden())
                .toList();
        List<OptionSpec> options =
                spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!positionals.isEmpty() || !options.isEmpty()) {
            section(t, "OPTIONS");
            for (PositionalParamSpec p : positionals) {
                t.append(".TP\n").append(italic(p.paramLabel())).append(p.isMultiValue() ? "..." : "").append('\n');
                itemBody(t, p.description());
            }
            for (OptionSpec o : options) {
                t.append(".TP\n").append(optionTag(o)).append('\n');
                itemBody(t, o.description());
            }
        }

        Map<String, String> exitCodes = exitCodes(spec);
        if (!exitCodes.isEmpty()) {
            section(t, "EXIT STATUS");
            for (Map.Entry<String, String> e : exitCodes.entrySet()) {
                t.append(".TP\n").append(bold(e.getKey().strip())).append('\n');
                t.append(escape(format(e.getValue()).strip())).append('\n');
            }
        }

        if (readsConfiguration(spec)) {
            section(t, "ENVIRONMENT");
            t.append(".TP\n").append(bold("SLURM_CONF")).append('\n');
            t.append(escape("When no --config is given, the configuration is azure-power.yaml in the directory of "
                            + "this file (slurmctld sets it for the programs it runs); without it, "
                            + "/etc/slurm/azure-power.yaml."))
                    .append('\n');
            t.append(".PP\n")
                    .append(escape("Nothing else is read from the environment: the installed commands run java with "
                            + "the options of /etc/slurm/azure-power.jvm only (JAVA_HOME, JAVA_TOOL_OPTIONS, "
                            + "JDK_JAVA_OPTIONS and _JAVA_OPTIONS are ignored), as slurmctld passes its programs no "
                            + "environment."))
                    .append('\n');
            section(t, "FILES");
            for (Map.Entry<String, String> f : FILES.entrySet()) {
                t.append(".TP\n").append(italic(f.getKey())).append('\n');
                t.append(escape(f.getValue())).append('\n');
            }
        }

        section(t, "SEE ALSO");
        // Left-aligned and unhyphenated: a list of long names that justification could only stretch.
        t.append(".ad l\n.nh\n");
        List<String> seeAlso = new ArrayList<>();
        CommandSpec parent = spec.parent();
        if (parent != null) {
            seeAlso.add(reference(spec.root()));
            if (parent != spec.root()) {
                seeAlso.add(reference(parent));
            }
        }
        for (CommandSpec sub : parent == null ? tree(spec).subList(1, tree(spec).size()) : subcommands) {
            seeAlso.add(reference(sub));
        }
        seeAlso.add(bold("slurm.conf") + "(5)");
        seeAlso.add(bold("scontrol") + "(1)");
        t.append(String.join(",\n", seeAlso)).append('\n');
        t.append(".PP\n")
                .append(escape("The README and the guides in /usr/share/doc/slurm-azure-power/ (the configuration "
                        + "reference, docs/packaging.md, docs/slurm-states.md, docs/azure-setup.md)."))
                .append('\n');
        return t.toString();
    }

    /** The exit codes of the command, or, when it lists none, those of the root command (they hold for all). */
    static Map<String, String> exitCodes(CommandSpec spec) {
        Map<String, String> own = spec.usageMessage().exitCodeList();
        return own.isEmpty() ? new LinkedHashMap<>(spec.root().usageMessage().exitCodeList()) : own;
    }

    /** The root command, and every command that takes --config: they read the configuration and write the log. */
    static boolean readsConfiguration(CommandSpec spec) {
        return spec.parent() == null || spec.findOption("--config") != null;
    }

    private void synopsis(StringBuilder t) {
        t.append(bold(spec.qualifiedName())).append('\n');
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            StringBuilder item = new StringBuilder(bold(o.longestName()));
            if (o.arity().max() > 0) {
                item.append('=').append(italic(o.paramLabel()));
            }
            t.append('[').append(item).append(']').append(o.isMultiValue() ? "..." : "").append('\n');
        }
        if (!subcommands(spec).isEmpty()) {
            t.append(italic("COMMAND")).append('\n');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String item = italic(p.paramLabel()) + (p.isMultiValue() ? "..." : "");
            t.append(p.arity().min() > 0 ? item : "[" + item + "]").append('\n');
        }
    }

    private static String optionTag(OptionSpec o) {
        List<String> names = new ArrayList<>();
        for (String n : o.names()) {
            names.add(bold(n));
        }
        String tag = String.join(", ", names);
        return o.arity().max() > 0 ? tag + "=" + italic(o.paramLabel()) : tag;
    }

    /**
     * The paragraphs of a picocli description. --help prints each of its lines (and each %n) on a line of its own;
     * a line that does not end a sentence (no final '.', ':', '!' or '?') was wrapped by hand, and the next line
     * continues its paragraph.
     */
    static List<String> paragraphs(String[] lines) {
        List<String> paragraphs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            for (String part : format(line).split("\n", -1)) {
                String text = part.strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (current.length() > 0) {
                    current.append(' ');
                }
                current.append(text);
                if (text.matches(".*[.:!?]$")) {
                    paragraphs.add(current.toString());
                    current.setLength(0);
                }
            }
        }
        if (current.length() > 0) {
            paragraphs.add(current.toString());
        }
        return paragraphs;
    }

    /** A description: one troff paragraph per paragraph. */
    private static void paragraphs(StringBuilder t, String[] lines) {
        t.append(String.join("\n.PP\n", paragraphs(lines).stream().map(ManPage::escape).toList()))
                .append('\n');
    }

    /** The body of a .TP item: its first paragraph, then an indented paragraph (.IP) per further one. */
    private static void itemBody(StringBuilder t, String[] lines) {
        List<String> paragraphs = paragraphs(lines);
        if (paragraphs.isEmpty()) {
            t.append("\\&\n");
            return;
        }
        t.append(String.join("\n.IP\n", paragraphs.stream().map(ManPage::escape).toList()))
                .append('\n');
    }

    private static void section(StringBuilder t, String title) {
        t.append(".SH ").append(title.contains(" ") ? quoted(title) : title).append('\n');
    }

    /** name(1), never hyphenated (\\% before a word). */
    private static String reference(CommandSpec spec) {
        return "\\%" + bold(name(spec)) + "(1)";
    }

    private static String bold(String s) {
        return "\\fB" + escape(s) + "\\fR";
    }

    private static String italic(String s) {
        return "\\fI" + escape(s) + "\\fR";
    }

    private static String quoted(String s) {
        return "\"" + escape(s).replace("\"", "\\(dq") + "\"";
    }

    /**
     * picocli's descriptions are format strings: %n is a line break and %% a percent sign (picocli formats them the
     * same way for --help).
     */
    static String format(String s) {
        return s.indexOf('%') < 0 ? s : String.format(Locale.ROOT, s);
    }

    /**
     * Text for troff: a backslash is {@code \e}, every hyphen-minus {@code \-} (so that option names and commands
     * copied from the page work: groff turns a plain "-" into a hyphen), a control character at the start of a line
     * is protected, and any non-ASCII character becomes a {@code \[uXXXX]} escape.
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        boolean lineStart = true;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (lineStart && (c == '.' || c == '\'')) {
                b.append("\\&");
            }
            if (c == '\\') {
                b.append("\\e");
            } else if (c == '-') {
                b.append("\\-");
            } else if (c == '\n') {
                b.append('\n');
            } else if (c < 0x20 || c == 0x7f) {
                b.append(' ');
            } else if (c > 0x7e) {
                b.append(String.format(Locale.ROOT, "\\[u%04X]", c));
            } else {
                b.appendCodePoint(c);
            }
            lineStart = c == '\n';
        }
        return b.toString();
    }

    private static Map<String, String> filesSection() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("/etc/slurm/azure-power.yaml", "The configuration (default of --config; see SLURM_CONF). "
                + "The package installs a commented example with every key: /etc/slurm/azure-power.yaml.example.");
        f.put("/etc/slurm/azure-power.jvm", "JVM options, one per line, and optionally java=PATH: the java to run.");
        f.put("/var/log/slurm/power_save.log", "The log of every action (log.file), rotated by "
                + "/etc/logrotate.d/slurm-azure-power.");
        f.put("/var/lib/slurm-azure-power", "The state directory (stateDir): the per-node lock files and "
                + "reconcile's first sightings.");
        f.put("/usr/libexec/slurm-azure-power/resume", "Slurm's ResumeProgram (slurm.conf); also suspend and "
                + "resume-fail beside it: SuspendProgram and ResumeFailProgram.");
        return f;
    }
}
