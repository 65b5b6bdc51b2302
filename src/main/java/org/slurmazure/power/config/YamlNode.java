package org.slurmazure.power.config;

import java.util.List;
import java.util.Map;

/**
 * The small YAML tree the validator works on: mappings, lists and scalars, each with the line and column (1-based)
 * where it starts. Built by {@link YamlReader}; no databinding, no reflection.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.MapNode, YamlNode.ListNode {

    /** Where a node or key starts in the file (1-based). */
    record Mark(int line, int column) {
        static final Mark START = new Mark(1, 1);
    }

    Mark mark();

    /** A word for messages: "a mapping", "a list", or the quoted scalar. */
    String describe();

    /** The kind of a scalar as YAML resolved it. Its text is kept as written either way. */
    enum ScalarKind {
        STRING,
        INTEGER,
        FLOAT,
        BOOLEAN,
        NULL
    }

    record Scalar(String text, ScalarKind kind, Mark mark) implements YamlNode {
        boolean isNull() {
            return kind == ScalarKind.NULL;
        }

        @Override
        public String describe() {
            return isNull() ? "no value" : Text.quote(text);
        }
    }

    /** One {@code key: value} pair of a mapping, with the key's own position. */
    record Entry(String key, Mark keyMark, YamlNode value) {}

    /** A mapping in file order. Duplicate keys are reported by the reader and only the first is kept. */
    record MapNode(Map<String, Entry> entries, Mark mark) implements YamlNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record ListNode(List<YamlNode> items, Mark mark) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }
    }
}
