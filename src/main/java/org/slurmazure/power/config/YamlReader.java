package org.slurmazure.power.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import org.slurmazure.power.config.YamlNode.Entry;
import org.slurmazure.power.config.YamlNode.ListNode;
import org.slurmazure.power.config.YamlNode.MapNode;
import org.slurmazure.power.config.YamlNode.Mark;
import org.slurmazure.power.config.YamlNode.Scalar;
import org.slurmazure.power.config.YamlNode.ScalarKind;

/**
 * Reads YAML text into a {@link YamlNode} tree with Jackson's streaming YAML parser (no databinding). Syntax errors,
 * duplicate keys, aliases and extra documents are reported to the {@link Diagnostics}.
 */
final class YamlReader {
    /** Thread-safe once configured; creating one costs a few milliseconds, so it is shared. */
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final Diagnostics diagnostics;

    private YamlReader(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The root node, or empty when the text is empty or has a syntax error (which was reported). */
    static Optional<YamlNode> read(String text, Diagnostics diagnostics) {
        String body = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
        return new YamlReader(diagnostics).readDocument(body);
    }

    private Optional<YamlNode> readDocument(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            YamlNode root = readValue(parser, "");
            JsonToken next = parser.nextToken();
            if (next != null) {
                diagnostics.error(
                        mark(parser.currentTokenLocation()),
                        "",
                        "found a second YAML document, expected a single document (remove the '---' line)");
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            syntaxError(e, e.getLocation(), e.getOriginalMessage());
            return Optional.empty();
        } catch (IOException e) {
            // Parsing a String does no I/O; treat anything else as a syntax problem without a place.
            syntaxError(e, null, e.getMessage());
            return Optional.empty();
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            syntaxError(e, null, e.getMessage());
            return Optional.empty();
        }
    }

    /** Reads the value whose first token is the parser's current token. */
    private YamlNode readValue(JsonParser parser, String path) throws IOException {
        JsonToken token = parser.currentToken();
        Mark mark = mark(parser.currentTokenLocation());
        switch (token) {
            case START_OBJECT -> {
                return readMap(parser, path, mark);
            }
            case START_ARRAY -> {
                return readList(parser, path, mark);
            }
            case VALUE_STRING -> {
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    diagnostics.error(
                            mark,
                            path,
                            "found the alias *" + parser.getText()
                                    + ", expected a plain value (YAML anchors and aliases are not supported)");
                }
                return new Scalar(parser.getText(), ScalarKind.STRING, mark);
            }
            case VALUE_NUMBER_INT -> {
                return new Scalar(parser.getText(), ScalarKind.INTEGER, mark);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Scalar(parser.getText(), ScalarKind.FLOAT, mark);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Scalar(parser.getText(), ScalarKind.BOOLEAN, mark);
            }
            case VALUE_NULL -> {
                return new Scalar(parser.getText() == null ? "" : parser.getText(), ScalarKind.NULL, mark);
            }
            default -> {
                // VALUE_EMBEDDED_OBJECT (binary !!binary) and anything else YAML may produce.
                return new Scalar(String.valueOf(parser.getText()), ScalarKind.STRING, mark);
            }
        }
    }

    private MapNode readMap(JsonParser parser, String path, Mark mark) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Mark keyMark = mark(parser.currentTokenLocation());
            String keyPath = path.isEmpty() ? key : path + "." + key;
            parser.nextToken();
            YamlNode value = readValue(parser, keyPath);
            Entry previous = entries.get(key);
            if (previous != null) {
                diagnostics.error(
                        keyMark,
                        keyPath,
                        "duplicate key, expected each key once (first given at line "
                                + previous.keyMark().line() + ")");
            } else {
                entries.put(key, new Entry(key, keyMark, value));
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unexpected YAML token " + token + " in a mapping");
        }
        return new MapNode(entries, mark);
    }

    private ListNode readList(JsonParser parser, String path, Mark mark) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IllegalStateException("unexpected end of YAML in a list");
            }
            items.add(readValue(parser, path + "[" + items.size() + "]"));
        }
        return new ListNode(items, mark);
    }

    private void syntaxError(Throwable e, JsonLocation location, String fallbackMessage) {
        org.yaml.snakeyaml.error.MarkedYAMLException marked = findMarked(e);
        Mark mark = location == null ? null : mark(location);
        String message = fallbackMessage;
        if (marked != null) {
            if (marked.getProblemMark() != null) {
                mark = new Mark(
                        marked.getProblemMark().getLine() + 1,
                        marked.getProblemMark().getColumn() + 1);
            }
            message = marked.getProblem();
            if (marked.getContext() != null) {
                message += " (" + marked.getContext();
                if (marked.getContextMark() != null) {
                    message +=
                            " that starts at line " + (marked.getContextMark().getLine() + 1) + ", column "
                                    + (marked.getContextMark().getColumn() + 1);
                }
                message += ")";
            }
        }
        diagnostics.error(mark, "", "YAML syntax error: " + Text.oneLine(message));
    }

    private static org.yaml.snakeyaml.error.MarkedYAMLException findMarked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked) {
                return marked;
            }
        }
        return null;
    }

    private static Mark mark(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return Mark.START;
        }
        return new Mark(location.getLineNr(), Math.max(1, location.getColumnNr()));
    }
}
