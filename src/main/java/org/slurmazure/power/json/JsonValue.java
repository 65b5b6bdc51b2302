package org.slurmazure.power.json;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.io.NumberInput;
import org.jspecify.annotations.Nullable;

/**
 * One JSON value, immutable: an object (its members in the order read or put), an array, a string, a number, a
 * boolean or null; or {@link #MISSING}, what {@link #path} answers for a member that is not there, so that a chain
 * of paths ends in a default instead of a null check. Read by {@link Json}, written by {@link #toString} and
 * {@link #toPrettyString}.
 *
 * <p>What a value of another kind answers ({@code asText} of a number, {@code asBoolean} of the string "true", ...)
 * is what jackson-databind's JsonNode answered, which the program used before; the tests hold the two together.
 */
public final class JsonValue {
    /** What a value is. */
    public enum Kind {
        OBJECT,
        ARRAY,
        STRING,
        NUMBER,
        BOOLEAN,
        NULL,
        MISSING
    }

    public static final JsonValue NULL = new JsonValue(Kind.NULL, "null", 0, Map.of(), List.of());
    /** The value of a member that is not there: every path from it is missing too. */
    public static final JsonValue MISSING = new JsonValue(Kind.MISSING, "", 0, Map.of(), List.of());

    static final JsonValue TRUE = new JsonValue(Kind.BOOLEAN, "true", 0, Map.of(), List.of());
    static final JsonValue FALSE = new JsonValue(Kind.BOOLEAN, "false", 0, Map.of(), List.of());

    private final Kind kind;
    /** What {@link #asText()} answers: a string's text, a number's digits, "true", "false", "null"; else empty. */
    private final String text;
    /** A number's value (Integer, Long, BigInteger or Double); 0 for the other kinds. */
    private final Number number;
    /** An object's members in order; empty for the other kinds. */
    private final Map<String, JsonValue> members;
    /** An array's elements; empty for the other kinds. */
    private final List<JsonValue> elements;

    private JsonValue(Kind kind, String text, Number number, Map<String, JsonValue> members, List<JsonValue> elements) {
        this.kind = kind;
        this.text = text;
        this.number = number;
        this.members = members;
        this.elements = elements;
    }

    /** A string, or {@link #NULL} for null. */
    public static JsonValue string(@Nullable String text) {
        return text == null ? NULL : new JsonValue(Kind.STRING, text, 0, Map.of(), List.of());
    }

    /** A number: Integer, Long, BigInteger or Double (what jackson-core reads). */
    static JsonValue number(Number number) {
        return new JsonValue(Kind.NUMBER, number.toString(), number, Map.of(), List.of());
    }

    public static JsonValue array(List<JsonValue> elements) {
        return new JsonValue(Kind.ARRAY, "", 0, Map.of(), List.copyOf(elements));
    }

    /** An object of {@code members}, which the caller hands over and no longer changes. */
    static JsonValue object(Map<String, JsonValue> members) {
        return new JsonValue(Kind.OBJECT, "", 0, Collections.unmodifiableMap(members), List.of());
    }

    /** Builds an object, its members in the order put. */
    public static ObjectBuilder objectBuilder() {
        return new ObjectBuilder();
    }

    public Kind kind() {
        return kind;
    }

    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    public boolean isString() {
        return kind == Kind.STRING;
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    public boolean isMissing() {
        return kind == Kind.MISSING;
    }

    /** An object's member {@code name}; {@link #MISSING} when there is none, or when this is not an object. */
    public JsonValue path(String name) {
        return members.getOrDefault(name, MISSING);
    }

    /** This is an object with a member {@code name}, null or not. */
    public boolean has(String name) {
        return members.containsKey(name);
    }

    /** This is an object with a member {@code name} that is not null. */
    public boolean hasNonNull(String name) {
        return has(name) && !path(name).isNull();
    }

    /** An array's elements, an object's member values (as a JsonNode iterates); none for the other kinds. */
    public List<JsonValue> elements() {
        return kind == Kind.OBJECT ? List.copyOf(members.values()) : elements;
    }

    /** An object's members in order; none for the other kinds. */
    Map<String, JsonValue> members() {
        return members;
    }

    /**
     * A string's text; a number's digits as Java writes them (1.0E10 for 1e10); "true", "false"; "null" for null; empty
     * for an object, an array and a missing value.
     */
    public String asText() {
        return text;
    }

    /** {@link #asText()}, or {@code fallback} for null and a missing value. */
    public String asText(String fallback) {
        return kind == Kind.NULL || kind == Kind.MISSING ? fallback : text;
    }

    /** {@link #asText()}, or null for null and a missing value. */
    public @Nullable String asTextOrNull() {
        return kind == Kind.NULL || kind == Kind.MISSING ? null : text;
    }

    /**
     * A boolean's value; for a string "true" or "false" (white space around ignored), for an integer whether it is not
     * 0; {@code fallback} otherwise (a decimal number among them).
     */
    public boolean asBoolean(boolean fallback) {
        return switch (kind) {
            case BOOLEAN -> this == TRUE;
            case STRING ->
                switch (text.strip()) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> fallback;
                };
            case NUMBER -> number instanceof Double ? fallback : !text.equals("0");
            default -> fallback;
        };
    }

    /**
     * A number as a long (a decimal cut towards 0, a larger integer's low 64 bits); a string read as a number (by
     * jackson-core's NumberInput, as JsonNode did), else {@code fallback}; 1 or 0 for a boolean; {@code fallback} for
     * the other kinds.
     */
    public long asLong(long fallback) {
        return switch (kind) {
            case NUMBER -> number.longValue();
            case STRING -> NumberInput.parseAsLong(text, fallback);
            case BOOLEAN -> this == TRUE ? 1 : 0;
            default -> fallback;
        };
    }

    /** An integer that a long holds; empty for anything else (a decimal such as 1.0, a larger integer, a string). */
    public OptionalLong exactLong() {
        if (kind != Kind.NUMBER || number instanceof Double) {
            return OptionalLong.empty();
        }
        if (number instanceof BigInteger big && big.bitLength() >= Long.SIZE) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(number.longValue());
    }

    /** A number's value: Integer, Long, BigInteger or Double; 0 for the other kinds. */
    Number number() {
        return number;
    }

    /** Compact JSON ({@code {"a":1}}); empty for a missing value (as JsonNode's). */
    @Override
    public String toString() {
        return kind == Kind.MISSING ? "" : Json.write(this, false);
    }

    /** JSON with jackson-core's default pretty printer ({@code "key" : value}, two spaces); empty for a missing value. */
    public String toPrettyString() {
        return kind == Kind.MISSING ? "" : Json.write(this, true);
    }

    /** Puts members of an object in order; a name put twice keeps its first place and its last value. */
    public static final class ObjectBuilder {
        private final Map<String, JsonValue> members = new LinkedHashMap<>();

        private ObjectBuilder() {}

        /** A string, or null. */
        public ObjectBuilder put(String name, @Nullable String value) {
            return put(name, string(value));
        }

        public ObjectBuilder put(String name, long value) {
            return put(name, number(value));
        }

        /** A number, or null. */
        public ObjectBuilder put(String name, @Nullable Long value) {
            return put(name, value == null ? NULL : number(value));
        }

        public ObjectBuilder put(String name, boolean value) {
            return put(name, value ? TRUE : FALSE);
        }

        public ObjectBuilder put(String name, JsonValue value) {
            members.put(name, value);
            return this;
        }

        public JsonValue build() {
            return object(new LinkedHashMap<>(members));
        }
    }
}
