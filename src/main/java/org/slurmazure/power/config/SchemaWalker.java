package org.slurmazure.power.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slurmazure.power.config.YamlNode.Entry;
import org.slurmazure.power.config.YamlNode.MapNode;
import org.slurmazure.power.config.YamlNode.Mark;
import org.slurmazure.power.config.YamlNode.Scalar;

/**
 * Walks the YAML tree by key path: sections, scalars and the value readers every section uses (paths, GUIDs, URLs,
 * booleans, durations, file checks), reporting what it finds wrong to the {@link Diagnostics}.
 */
final class SchemaWalker {
    static final String GUID_EXAMPLE = "11111111-2222-3333-4444-555555555555";

    static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Diagnostics d;
    private final FileChecks files;

    SchemaWalker(Diagnostics diagnostics, FileChecks files) {
        this.d = diagnostics;
        this.files = files;
    }

    Diagnostics diagnostics() {
        return d;
    }

    FileChecks files() {
        return files;
    }

    // ---------------------------------------------------------------------------------------------- sections

    /** A mapping of the file at a key path; {@code map} is null when the section is absent or malformed. */
    record Section(String path, MapNode map, Mark mark) {
        boolean present() {
            return map != null;
        }

        String key(String k) {
            return path.isEmpty() ? k : path + "." + k;
        }

        Entry entry(String k) {
            return map == null ? null : map.entries().get(k);
        }
    }

    void checkKeys(MapNode map, String path, String schemaSection) {
        List<String> known = ConfigKeys.keys(schemaSection);
        for (Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                String keyPath = path.isEmpty() ? e.key() : path + "." + e.key();
                d.error(e.keyMark(), keyPath, ConfigKeys.unknownKeyMessage(schemaSection, e.key()));
            }
        }
    }

    Section section(Section parent, String key, String schemaSection, boolean required, String expected) {
        String path = parent.key(key);
        Entry e = parent.entry(key);
        if (e == null) {
            if (required && parent.present()) {
                d.error(parent.mark(), path, "missing; expected " + expected);
            }
            return new Section(path, null, parent.mark());
        }
        YamlNode value = e.value();
        if (value instanceof Scalar s && s.isNull()) {
            if (required) {
                d.error(e.keyMark(), path, "found no value, expected " + expected);
            }
            return new Section(path, null, e.keyMark());
        }
        if (!(value instanceof MapNode map)) {
            d.found(value, path, expected);
            return new Section(path, null, e.keyMark());
        }
        checkKeys(map, path, schemaSection);
        return new Section(path, map, e.keyMark());
    }

    /** The scalar at a key, or null when absent, empty or not a scalar (reported as needed). */
    Scalar scalar(Section s, String key, boolean required, String expected) {
        Entry e = s.entry(key);
        String path = s.key(key);
        if (e == null) {
            if (required && s.present()) {
                d.error(s.mark(), path, "missing; expected " + expected);
            }
            return null;
        }
        if (e.value() instanceof Scalar sc) {
            if (sc.isNull()) {
                if (required) {
                    d.error(e.keyMark(), path, "found no value, expected " + expected);
                }
                return null;
            }
            return sc;
        }
        d.found(e.value(), path, expected);
        return null;
    }

    Mark keyMark(Section s, String key) {
        Entry e = s.entry(key);
        return e == null ? s.mark() : e.keyMark();
    }

    // ---------------------------------------------------------------------------------------------- values

    Path absolutePath(Scalar v, String key, String example) {
        String text = v.text().strip();
        if (!text.startsWith("/") || text.indexOf('\0') >= 0) {
            d.found(
                    v,
                    key,
                    "an absolute path like " + example + " (the power programs run in slurmctld's working directory)");
            return null;
        }
        try {
            return Path.of(text).normalize();
        } catch (RuntimeException e) {
            d.found(v, key, "an absolute path like " + example);
            return null;
        }
    }

    String guid(Scalar v, String key, String expected) {
        String text = v.text().strip();
        if (!GUID.matcher(text).matches()) {
            d.found(v, key, expected);
            return null;
        }
        return text;
    }

    URI httpsUrl(Section s, String key, String example) {
        String expected = "an https URL like " + example;
        Scalar v = scalar(s, key, true, expected);
        if (v == null) {
            return null;
        }
        String text = v.text().strip();
        try {
            URI uri = new URI(text);
            if (!"https".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                d.found(v, s.key(key), expected);
                return null;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (!path.endsWith("/")) {
                path += "/";
            }
            return new URI("https://" + uri.getRawAuthority() + path);
        } catch (URISyntaxException e) {
            d.found(v, s.key(key), expected);
            return null;
        }
    }

    boolean bool(Section s, String key, boolean defaultValue) {
        Scalar v = scalar(s, key, false, "true or false");
        if (v == null) {
            return defaultValue;
        }
        String text = v.text().strip();
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        d.found(v, s.key(key), "true or false");
        return defaultValue;
    }

    Duration duration(Section s, String key, Scalar v, Duration defaultValue) {
        if (v == null) {
            return defaultValue;
        }
        Optional<Duration> parsed = Durations.parse(v.text());
        if (parsed.isEmpty()) {
            boolean tooLong = v.text().strip().matches("[0-9]+(ms|s|m|h)?");
            d.found(
                    v,
                    s.key(key),
                    tooLong && !v.text().strip().matches("0+(ms|s|m|h)?")
                            ? "a duration of at most " + Durations.format(Durations.MAX)
                            : Durations.EXPECTED);
            return null;
        }
        return parsed.get();
    }

    /** True when the text has a character below {@code limit} (control characters) or one of {@code forbidden}. */
    static boolean hasBadChar(String text, char limit, String forbidden) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < limit || forbidden.indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------- file checks

    void checkSecretFile(Path path, String key, Mark mark) {
        FileInfo info = files.inspect(path);
        switch (info.kind()) {
            case MISSING ->
                d.warn(
                        mark,
                        key,
                        "file " + path + " does not exist; the power programs cannot"
                                + " authenticate to Azure until it does");
            case INACCESSIBLE ->
                d.warn(
                        mark,
                        key,
                        "cannot inspect " + path + " (" + info.error().orElse("?")
                                + "); make sure SlurmUser can read it and that only its owner can (chmod 600)");
            case DIRECTORY, OTHER -> notARegularFile(info, key, mark);
            case FILE -> {
                if (info.accessibleByGroupOrOthers()) {
                    d.error(
                            mark,
                            key,
                            "found mode " + info.octalMode().orElse("?") + " on " + path
                                    + " (group or others can access it), expected mode 0600 or 0400 (chmod 600 " + path
                                    + ")");
                }
                if (!info.readable()) {
                    notReadable(path, key, mark);
                } else if (info.size() == 0) {
                    d.warn(mark, key, "file " + path + " is empty");
                }
            }
            default -> throw new IllegalStateException(info.kind().toString());
        }
    }

    private void notARegularFile(FileInfo info, String key, Mark mark) {
        d.error(
                mark,
                key,
                "found " + (info.kind() == FileInfo.Kind.DIRECTORY ? "a directory" : "a special file") + " at "
                        + info.path() + ", expected a regular file");
    }

    private void notReadable(Path path, String key, Mark mark) {
        d.warn(
                mark,
                key,
                "file " + path + " is not readable by the user running this check;"
                        + " the power programs (SlurmUser) must be able to read it");
    }

    void checkReadableFile(Path path, String key, Mark mark, String consequence) {
        FileInfo info = files.inspect(path);
        switch (info.kind()) {
            case MISSING -> d.warn(mark, key, "file " + path + " does not exist; " + consequence);
            case INACCESSIBLE ->
                d.warn(
                        mark,
                        key,
                        "cannot inspect " + path + " (" + info.error().orElse("?")
                                + "); make sure SlurmUser can read it");
            case DIRECTORY, OTHER -> notARegularFile(info, key, mark);
            case FILE -> {
                if (!info.readable()) {
                    notReadable(path, key, mark);
                }
            }
            default -> throw new IllegalStateException(info.kind().toString());
        }
    }
}
