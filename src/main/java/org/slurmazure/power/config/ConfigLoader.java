package org.slurmazure.power.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads and validates the YAML configuration (README, "Configuration reference"). Fast enough to run on every
 * invocation of a power program: a streaming parse, no reflection, no databinding.
 *
 * <p>Errors make the configuration unusable ({@link ConfigException}); warnings do not (a credential file that does
 * not exist yet, a short deadline, ...): {@link #check} returns both.
 */
public final class ConfigLoader {
    /** Larger files are refused: a configuration is a few kilobytes. */
    static final long MAX_FILE_SIZE = 1 << 20;

    private ConfigLoader() {}

    /** Loads the file, inspecting the files it names on the real file system. */
    public static Config load(Path file) throws ConfigException {
        return check(file, FileChecks.system()).configOrThrow();
    }

    /** Loads the file, inspecting the files it names with {@code files}. */
    public static Config load(Path file, FileChecks files) throws ConfigException {
        return check(file, files).configOrThrow();
    }

    /** Reads and validates the file: every error and warning, and the configuration when there is no error. */
    public static ConfigReport check(Path file) {
        return check(file, FileChecks.system());
    }

    /** Reads and validates the file, inspecting the files it names with {@code files}. */
    public static ConfigReport check(Path file, FileChecks files) {
        Diagnostics diagnostics = new Diagnostics(file);
        Optional<String> text = read(file, diagnostics);
        if (text.isEmpty()) {
            return new ConfigReport(file, Optional.empty(), diagnostics.errors(), diagnostics.warnings());
        }
        return check(file, text.get(), files);
    }

    /**
     * Validates YAML text already read; {@code file} names it in messages. Does no I/O besides {@code files}.
     */
    public static ConfigReport check(Path file, String yaml, FileChecks files) {
        Diagnostics diagnostics = new Diagnostics(file);
        Optional<YamlNode> root = YamlReader.read(yaml, diagnostics);
        Optional<Config> config = ConfigValidator.validate(file, root, diagnostics, files);
        return new ConfigReport(
                file,
                diagnostics.hasErrors() ? Optional.empty() : config,
                diagnostics.errors(),
                diagnostics.warnings(),
                diagnostics.salvage());
    }

    private static Optional<String> read(Path file, Diagnostics diagnostics) {
        String hint = " (start from etc/azure-power.example.yaml, or pass --config FILE)";
        try {
            if (Files.isDirectory(file)) {
                diagnostics.error(null, "", "cannot read the configuration: it is a directory, expected a file");
                return Optional.empty();
            }
            if (Files.size(file) > MAX_FILE_SIZE) {
                diagnostics.error(
                        null,
                        "",
                        "cannot read the configuration: it is larger than " + (MAX_FILE_SIZE >> 10)
                                + " KiB, expected a small YAML file");
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (NoSuchFileException e) {
            diagnostics.error(null, "", "cannot read the configuration: no such file" + hint);
        } catch (AccessDeniedException e) {
            diagnostics.error(null, "", "cannot read the configuration: permission denied");
        } catch (CharacterCodingException e) {
            diagnostics.error(null, "", "cannot read the configuration: it is not UTF-8 text");
        } catch (IOException e) {
            diagnostics.error(null, "", "cannot read the configuration: " + Text.oneLine(e.getMessage()));
        }
        return Optional.empty();
    }
}
