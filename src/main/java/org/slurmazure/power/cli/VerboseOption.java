package org.slurmazure.power.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** {@code --verbose}: stack traces on errors and DEBUG logging. Shared by every subcommand as a mixin. */
public final class VerboseOption {

    @Option(
            names = {"-v", "--verbose"},
            description = "Print stack traces on errors and log at DEBUG level.")
    boolean verbose;

    public boolean verbose() {
        return verbose;
    }

    /** True when any command on the parsed path was given --verbose. */
    static boolean isVerbose(ParseResult parseResult) {
        for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
