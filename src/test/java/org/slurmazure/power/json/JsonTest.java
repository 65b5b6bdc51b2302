package org.slurmazure.power.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.slurmazure.power.json.JsonValue.Kind;

/**
 * The program's JSON tree against jackson-databind's, which it replaces: what each kind of value answers, and the text
 * written, are held to Jackson's over a set of documents (databind is on the test class path only).
 */
class JsonTest {
    static final ObjectMapper JACKSON = new ObjectMapper();
    static final ObjectMapper JACKSON_WHOLE =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Every kind, nested; numbers of every size and form; strings that need escapes or read as other kinds. */
    static List<String> documents() {
        return List.of(
                "{}",
                "[]",
                "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\",\"f\":{}},\"g\":[[],[[1]],{}]}",
                "{\"z\":1,\"a\":2,\"m\":3}",
                "{\"a\":1,\"b\":2,\"a\":3}",
                "{\"\":\"\",\"a b\":\"\\u00e9\"}",
                "\"text\"",
                "\"\"",
                "\" true \"",
                "\"false\"",
                "\"TRUE\"",
                "\"12\"",
                "\" -12 \"",
                "\"1.9\"",
                "\"1e3\"",
                "\"0x10\"",
                "\"99999999999999999999\"",
                "\"\\u00e9\\n\\t\\r\\b\\f\\\"\\\\\\/\\u0001\\u001f \\u2028 \\ud83d\\ude00 caf\u00e9 \u4e2d\"",
                "0",
                "-0",
                "5",
                "-5",
                "2147483647",
                "2147483648",
                "-2147483649",
                "9223372036854775807",
                "-9223372036854775808",
                "9223372036854775808",
                "-9223372036854775809",
                "18446744073709551616",
                "123456789012345678901234567890",
                "0.0",
                "-0.0",
                "1.5",
                "1.0",
                "-2.5",
                "1e3",
                "1E-7",
                "2.5e+2",
                "0.1",
                "1.5e300",
                "1e400",
                "-1e400",
                "3.141592653589793238462643383279",
                "true",
                "false",
                "null",
                "  {\"padded\" : [ 1 , 2 ] }  \n",
                // the bodies the program reads
                "{\"status\":\"Succeeded\",\"error\":null}",
                "{\"error\":{\"code\":\"OperationNotAllowed\",\"message\":\"quota\"}}",
                "{\"code\":7,\"message\":[\"m\"]}",
                "{\"value\":[{\"id\":\"/n1\",\"properties\":{\"ipConfigurations\":[{\"properties\":"
                        + "{\"privateIPAddress\":\"10.0.0.4\",\"primary\":\"true\"}},{\"properties\":"
                        + "{\"privateIPAddress\":null,\"primary\":1}}]}}],\"nextLink\":null}",
                "{\"value\":{\"a\":{\"name\":\"x\"},\"b\":[1]},\"nextLink\":\"https://next\"}",
                "{\"value\":[{\"name\":{\"value\":\"cores\",\"localizedValue\":null},\"currentValue\":\"12\","
                        + "\"limit\":1.9E3}]}");
    }

    @ParameterizedTest
    @MethodSource("documents")
    void everyValueAnswersAsJacksonsTree(String document) throws Exception {
        assertSameAsJackson("$", JACKSON.readTree(document), Json.parse(document));
    }

    @ParameterizedTest
    @MethodSource("documents")
    void writesWhatObjectMapperWrites(String document) throws Exception {
        JsonNode jackson = JACKSON.readTree(document);
        JsonValue ours = Json.parse(document);

        assertEquals(JACKSON.writeValueAsString(jackson), ours.toString());
        assertEquals(JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(jackson), ours.toPrettyString());
    }

    /** Kind, text, boolean, long, members and elements, recursively, and the text written at every level. */
    private static void assertSameAsJackson(String where, JsonNode expected, JsonValue actual) {
        assertEquals(expected.getNodeType().name(), actual.kind().name(), where);
        assertEquals(expected.asText(), actual.asText(), where + " asText");
        assertEquals(expected.asText("fallback"), actual.asText("fallback"), where + " asText(fallback)");
        assertEquals(expected.asText(null), actual.asTextOrNull(), where + " asText(null)");
        assertEquals(expected.asBoolean(false), actual.asBoolean(false), where + " asBoolean(false)");
        assertEquals(expected.asBoolean(true), actual.asBoolean(true), where + " asBoolean(true)");
        assertEquals(expected.asLong(7), actual.asLong(7), where + " asLong(7)");
        OptionalLong exact = expected.isIntegralNumber() && expected.canConvertToLong()
                ? OptionalLong.of(expected.longValue())
                : OptionalLong.empty();
        assertEquals(exact, actual.exactLong(), where + " exactLong");
        assertEquals(expected.toString(), actual.toString(), where + " toString");
        assertEquals(expected.toPrettyString(), actual.toPrettyString(), where + " toPrettyString");

        List<String> names = new ArrayList<>();
        expected.fieldNames().forEachRemaining(names::add);
        assertEquals(names, List.copyOf(actual.members().keySet()), where + " member names");
        for (String name : names) {
            assertTrue(actual.has(name), where + " has " + name);
            assertEquals(expected.hasNonNull(name), actual.hasNonNull(name), where + " hasNonNull " + name);
            assertSameAsJackson(where + "." + name, expected.path(name), actual.path(name));
        }
        assertFalse(actual.has("absent") || actual.hasNonNull("absent"), where);
        assertEquals(expected.path("absent").getNodeType().name(), actual.path("absent").kind().name(), where);
        Iterator<JsonNode> elements = expected.elements();
        int i = 0;
        for (JsonValue element : actual.elements()) {
            assertTrue(elements.hasNext(), where + ": more elements than Jackson's");
            assertSameAsJackson(where + "[" + i++ + "]", elements.next(), element);
        }
        assertFalse(elements.hasNext(), where + ": fewer elements than Jackson's");
    }

    @Nested
    class Reading {
        @Test
        void readsEveryKind() throws Exception {
            JsonValue root = Json.parse("{\"o\":{},\"a\":[],\"s\":\"x\",\"n\":1,\"b\":true,\"z\":null}");

            assertEquals(Kind.OBJECT, root.kind());
            assertEquals(
                    List.of(Kind.OBJECT, Kind.ARRAY, Kind.STRING, Kind.NUMBER, Kind.BOOLEAN, Kind.NULL),
                    root.elements().stream().map(JsonValue::kind).toList());
            assertEquals(Kind.MISSING, root.path("nothing").kind());
        }

        @Test
        void aPathThroughAnythingButAnObjectIsMissing() throws Exception {
            JsonValue root = Json.parse("{\"a\":{\"b\":[{\"c\":\"d\"}]},\"s\":\"text\",\"z\":null}");

            assertEquals("d", root.path("a").path("b").elements().get(0).path("c").asText());
            assertSame(JsonValue.MISSING, root.path("a").path("b").path("c"));
            assertSame(JsonValue.MISSING, root.path("s").path("length"));
            assertSame(JsonValue.MISSING, root.path("z").path("x"));
            assertSame(JsonValue.MISSING, root.path("x").path("y").path("z"));
            assertEquals("default", root.path("x").path("y").asText("default"));
            assertEquals(null, root.path("z").asTextOrNull());
            assertTrue(root.has("z"));
            assertFalse(root.hasNonNull("z"));
        }

        @Test
        void keepsTheOrderOfMembersAndTheLastValueOfANameGivenTwice() throws Exception {
            JsonValue root = Json.parse("{\"z\":1,\"a\":2,\"z\":3}");

            assertEquals(List.of("z", "a"), List.copyOf(root.members().keySet()));
            assertEquals(3, root.path("z").asLong(0));
            assertEquals("{\"z\":3,\"a\":2}", root.toString());
        }

        @Test
        void readsNumbersIntoTheSmallestTypeThatHoldsThem() throws Exception {
            assertEquals(Integer.class, Json.parse("2147483647").number().getClass());
            assertEquals(Long.class, Json.parse("2147483648").number().getClass());
            assertEquals(Long.class, Json.parse("-9223372036854775808").number().getClass());
            assertEquals(java.math.BigInteger.class, Json.parse("9223372036854775808").number().getClass());
            assertEquals(Double.class, Json.parse("1.0").number().getClass());
            assertEquals(OptionalLong.of(Long.MIN_VALUE), Json.parse("-9223372036854775808").exactLong());
            assertEquals(OptionalLong.empty(), Json.parse("9223372036854775808").exactLong());
            assertEquals(OptionalLong.empty(), Json.parse("1.0").exactLong());
            assertEquals(OptionalLong.empty(), Json.parse("\"1\"").exactLong());
            assertEquals("1000.0", Json.parse("1e3").asText());
            assertEquals("1.0E-7", Json.parse("1E-7").toString());
            assertEquals("123456789012345678901234567890", Json.parse("123456789012345678901234567890").asText());
        }

        @Test
        void readsEscapesAndUnicode() throws Exception {
            JsonValue s = Json.parse("\"\\u00e9\\n\\\"\\\\\\/\\ud83d\\ude00 \u4e2d\"");

            assertEquals("\u00e9\n\"\\/\ud83d\ude00 \u4e2d", s.asText());
            assertEquals("\"\u00e9\\n\\\"\\\\/\ud83d\ude00 \u4e2d\"", s.toString());
        }

        @Test
        void emptyTextIsMissingAsInJackson() throws Exception {
            assertSame(JsonValue.MISSING, Json.parse(""));
            assertSame(JsonValue.MISSING, Json.parseFirstValue(" \n"));
            assertEquals(JACKSON.readTree(" \n").getNodeType().name(), Json.parse(" \n").kind().name());
        }

        @Test
        void parseFirstValueLeavesWhatFollowsUnreadAsReadTreeDid() throws Exception {
            for (String text : List.of("{\"a\":1} {}", "{\"a\":1} garbage", "1 2", "[] ]")) {
                assertEquals(JACKSON.readTree(text).toString(), Json.parseFirstValue(text).toString(), text);
            }
        }
    }

    @Nested
    class Errors {
        /** Broken JSON (each after a valid start) and what jackson-core says about it. */
        static List<String> broken() {
            return List.of(
                    "{\"jobs\":[],\"all_nodes\"",
                    "{\"jobs\":[}",
                    "jobs",
                    "{\"a\" 1}",
                    "{\"a\":1,}",
                    "[1,]",
                    "[01]",
                    "nul",
                    "truex",
                    "\"abc",
                    "{\"a\":\"\\x\"}",
                    "\"tab\there\"",
                    "NaN",
                    "]",
                    "{,}",
                    "[" + "1".repeat(1001) + "]",
                    "[".repeat(1001) + "]".repeat(1001),
                    "{'a':1}");
        }

        @ParameterizedTest
        @MethodSource("broken")
        void failsWithJacksonsMessageAndLocation(String text) {
            JsonProcessingException jackson = assertThrows(JsonProcessingException.class, () -> JACKSON.readTree(text));
            JsonProcessingException ours = assertThrows(JsonProcessingException.class, () -> Json.parse(text));

            assertEquals(jackson.getClass(), ours.getClass());
            assertEquals(jackson.getMessage(), ours.getMessage());
        }

        @Test
        void aDocumentTooDeepOrANumberTooLongBreaksJacksonsLimits() {
            assertThrows(StreamConstraintsException.class, () -> Json.parse("[" + "1".repeat(1001) + "]"));
            assertThrows(StreamConstraintsException.class, () -> Json.parse("[".repeat(1001) + "]".repeat(1001)));
        }

        @Test
        void deepDocumentsWithinTheLimitAreRead() throws Exception {
            String deep = "[".repeat(999) + "]".repeat(999);

            assertEquals(deep, Json.parse(deep).toString());
        }

        @Test
        void parseRefusesTextAfterTheValueWhereJacksonWithFailOnTrailingTokensDid() {
            for (String text : List.of("{\"all_nodes\":\"a1\"} {}", "1 2", "[]\n\n  []", "{} x", "{}}")) {
                JsonProcessingException jackson =
                        assertThrows(JsonProcessingException.class, () -> JACKSON_WHOLE.readTree(text), text);
                JsonProcessingException ours = assertThrows(JsonProcessingException.class, () -> Json.parse(text));

                String expected = jackson.getOriginalMessage().startsWith("Trailing token")
                        ? "more text after the end of the JSON value"
                        : jackson.getOriginalMessage();
                assertEquals(expected, ours.getOriginalMessage(), text);
                assertEquals(jackson.getLocation().getLineNr(), ours.getLocation().getLineNr(), text);
                assertEquals(jackson.getLocation().getColumnNr(), ours.getLocation().getColumnNr(), text);
            }
        }

        @Test
        void whiteSpaceAfterTheValueIsFine() throws Exception {
            assertEquals("{}", Json.parse("{} \n\t\r\n").toString());
        }
    }

    @Nested
    class Writing {
        @Test
        void aBuiltObjectIsWrittenAsObjectMapperWritesTheSameObjectNode() throws Exception {
            ObjectNode jackson = JACKSON.createObjectNode();
            ObjectNode node = jackson.putArray("nodes").addObject();
            node.put("node", "azc001");
            node.put("reason", (String) null);
            node.put("ip", "10.0.0.4");
            node.put("sinceSeconds", (Long) null);
            node.put("age", 42L);
            node.put("count", 3);
            node.put("due", true);
            node.put("quoted", "a \"b\" \\ \u00e9\n\u0007");
            jackson.putArray("strays");
            jackson.putObject("summary");
            jackson.put("status", "PASS");

            JsonValue ours = JsonValue.objectBuilder()
                    .put(
                            "nodes",
                            JsonValue.array(List.of(JsonValue.objectBuilder()
                                    .put("node", "azc001")
                                    .put("reason", (String) null)
                                    .put("ip", "10.0.0.4")
                                    .put("sinceSeconds", (Long) null)
                                    .put("age", 42L)
                                    .put("count", 3)
                                    .put("due", true)
                                    .put("quoted", "a \"b\" \\ \u00e9\n\u0007")
                                    .build())))
                    .put("strays", JsonValue.array(List.of()))
                    .put("summary", JsonValue.objectBuilder().build())
                    .put("status", "PASS")
                    .build();

            assertEquals(JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(jackson), ours.toPrettyString());
            assertEquals(JACKSON.writeValueAsString(jackson), ours.toString());
        }

        @Test
        void prettyPrintingIsJacksonsDefault() throws Exception {
            String pretty = Json.parse("{\"a\":[1,{\"b\":null}],\"c\":[],\"d\":{}}").toPrettyString();

            assertEquals("{\n  \"a\" : [ 1, {\n    \"b\" : null\n  } ],\n  \"c\" : [ ],\n  \"d\" : { }\n}", pretty);
        }

        @Test
        void aNamePutTwiceKeepsItsPlaceAndTakesTheLastValue() {
            JsonValue built = JsonValue.objectBuilder().put("a", 1).put("b", 2).put("a", "x").build();

            assertEquals("{\"a\":\"x\",\"b\":2}", built.toString());
        }

        @Test
        void aMissingValueIsWrittenAsNullInsideAndAsNothingAlone() throws Exception {
            ObjectNode jackson = JACKSON.createObjectNode();
            jackson.set("m", com.fasterxml.jackson.databind.node.MissingNode.getInstance());

            assertEquals(
                    JACKSON.writeValueAsString(jackson),
                    JsonValue.objectBuilder().put("m", JsonValue.MISSING).build().toString());
            assertEquals("", JsonValue.MISSING.toString());
            assertEquals("", JsonValue.MISSING.toPrettyString());
        }
    }
}
