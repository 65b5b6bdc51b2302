package org.slurmazure.power.json;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;

/**
 * Reads JSON text into a {@link JsonValue} and writes one back, with jackson-core's parser and generator and their
 * default settings (those jackson-databind's ObjectMapper used): the same limits, the same error messages, the same
 * output.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /**
     * The one JSON value of {@code text}; anything after it but white space is an error ("more text after the end of
     * the JSON value", located at that text). Empty text is {@link JsonValue#MISSING}, as in Jackson.
     *
     * @throws JsonProcessingException the text is not JSON (jackson-core's message and location)
     */
    public static JsonValue parse(String text) throws JsonProcessingException {
        return parse(text, true);
    }

    /**
     * The first JSON value of {@code text}; what follows it is not read (as ObjectMapper.readTree). Empty text is
     * {@link JsonValue#MISSING}.
     *
     * @throws JsonProcessingException the value is not JSON (jackson-core's message and location)
     */
    public static JsonValue parseFirstValue(String text) throws JsonProcessingException {
        return parse(text, false);
    }

    private static JsonValue parse(String text, boolean whole) throws JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() == null) {
                return JsonValue.MISSING;
            }
            JsonValue value = read(parser);
            if (whole && parser.nextToken() != null) {
                throw new JsonParseException(
                        parser, "more text after the end of the JSON value", parser.currentTokenLocation());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does no I/O
        }
    }

    /** The value that starts at the parser's current token; the parser is left on its last token. */
    private static JsonValue read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> JsonValue.string(parser.getText());
            // the smallest type that holds it, as in jackson-databind's trees
            case VALUE_NUMBER_INT ->
                JsonValue.number(
                        switch (parser.getNumberType()) {
                            case INT -> parser.getIntValue();
                            case LONG -> parser.getLongValue();
                            default -> parser.getBigIntegerValue();
                        });
            case VALUE_NUMBER_FLOAT -> JsonValue.number(parser.getDoubleValue());
            case VALUE_TRUE -> JsonValue.TRUE;
            case VALUE_FALSE -> JsonValue.FALSE;
            case VALUE_NULL -> JsonValue.NULL;
            // the parser itself refuses a token that cannot start a value
            default -> throw new JsonParseException(parser, "unexpected " + token);
        };
    }

    private static JsonValue readObject(JsonParser parser) throws IOException {
        Map<String, JsonValue> members = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            members.put(name, read(parser)); // a name given twice: the last value, in the first one's place
        }
        return JsonValue.object(members);
    }

    private static JsonValue readArray(JsonParser parser) throws IOException {
        List<JsonValue> elements = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            elements.add(read(parser));
        }
        return JsonValue.array(elements);
    }

    /** {@code value} as JSON text: compact, or with jackson-core's default pretty printer ({@code "key" : value}). */
    static String write(JsonValue value, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            if (pretty) {
                generator.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            write(value, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does no I/O
        }
        return out.toString();
    }

    private static void write(JsonValue value, JsonGenerator generator) throws IOException {
        switch (value.kind()) {
            case OBJECT -> {
                generator.writeStartObject();
                for (Map.Entry<String, JsonValue> member : value.members().entrySet()) {
                    generator.writeFieldName(member.getKey());
                    write(member.getValue(), generator);
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonValue element : value.elements()) {
                    write(element, generator);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(value.asText());
            case NUMBER -> {
                Number n = value.number();
                if (n instanceof Integer i) {
                    generator.writeNumber(i);
                } else if (n instanceof Long l) {
                    generator.writeNumber(l);
                } else if (n instanceof BigInteger b) {
                    generator.writeNumber(b);
                } else {
                    generator.writeNumber(n.doubleValue());
                }
            }
            case BOOLEAN -> generator.writeBoolean(value.asBoolean(false));
            case NULL, MISSING -> generator.writeNull(); // MISSING in a container: null, as in Jackson
        }
    }
}
