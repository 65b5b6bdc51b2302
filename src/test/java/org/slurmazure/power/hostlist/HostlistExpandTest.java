package org.slurmazure.power.hostlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules of Slurm's hostlist_create (src/common/hostlist.c, 23.11+), one behaviour per test. Expected values not in
 * the shared corpus were checked against Slurm's own hostlist.c.
 */
class HostlistExpandTest {

    private static List<String> expand(String expression) throws InvalidHostlistException {
        return Hostlist.expand(expression);
    }

    private static String reasonFor(String expression) {
        return assertThrows(InvalidHostlistException.class, () -> Hostlist.expand(expression)).reason();
    }

    @Test
    void givenPlainNames_whenExpanded_thenEachIsKeptVerbatim() throws Exception {
        assertEquals(List.of("c1-3", "host-01", "rack1-n31", "cloud", "c007"),
                expand("c1-3,host-01,rack1-n31,cloud,c007"));
    }

    @Test
    void givenEmptyOrBlankInput_whenExpanded_thenThereAreNoNames() throws Exception {
        assertEquals(List.of(), expand(""));
        assertEquals(List.of(), expand(" \t\n, ,"));
        assertEquals(0, Hostlist.count(""));
    }

    @Test
    void givenCommaSpaceTabAndNewlineSeparators_whenExpanded_thenEachSeparatesNames() throws Exception {
        assertEquals(List.of("a", "b", "c", "d", "e"), expand("a,b c\td\ne"));
    }

    @Test
    void givenRunsOfSeparators_whenExpanded_thenNoEmptyNamesAppear() throws Exception {
        assertEquals(List.of("c1", "c2", "c3", "c3"), expand(" c[1-3],,c3, "));
    }

    @Test
    void givenDuplicates_whenExpanded_thenTheyAreKeptInOrder() throws Exception {
        assertEquals(List.of("c1", "c1", "c2"), expand("c[1,1,2]"));
        assertEquals(List.of("c1", "c2", "c3", "c2"), expand("c[1-3],c2"));
    }

    @Test
    void givenAVeryLongNumberInAPlainName_whenExpanded_thenTheNameIsKeptVerbatim() throws Exception {
        // Slurm would print c18446744073709551615 here; a name is never rewritten.
        assertEquals(List.of("c123456789012345678901234567890"), expand("c123456789012345678901234567890"));
    }

    @Test
    void givenARange_whenExpanded_thenTheLowBoundSetsTheZeroPadding() throws Exception {
        assertEquals(List.of("c098", "c099", "c100", "c101"), expand("c[098-101]"));
        assertEquals(List.of("c01", "c02"), expand("c[01-2]"));
        assertEquals(List.of("c1", "c2"), expand("c[1-02]"));
        assertEquals(List.of("c7"), expand("c[7-007]"));
        assertEquals(List.of("c9", "c10", "c11"), expand("c[9-11]"));
    }

    @Test
    void givenALeadingSpaceOrPlusInTheLowBound_whenExpanded_thenItCountsTowardTheWidth() throws Exception {
        assertEquals(List.of("c01", "c02"), expand("c[ 1-2]"));
        assertEquals(List.of("c01", "c02"), expand("c[+1-2]"));
        assertEquals(List.of("c1", "c02"), expand("c[1, 2]"));
    }

    @Test
    void givenTextAfterTheDigitsOfALowBound_whenExpanded_thenSlurmIgnoresItButCountsItsWidth() throws Exception {
        assertEquals(List.of("c01", "c02", "c03"), expand("c[1a-3]"));
    }

    @Test
    void givenARangeWithoutHighBound_whenExpanded_thenItIsTheLowBoundAlone() throws Exception {
        assertEquals(List.of("c1"), expand("c[1-]"));
    }

    @Test
    void givenOnlyBrackets_whenExpanded_thenTheNamesArePureNumbers() throws Exception {
        assertEquals(List.of("1", "2", "3"), expand("[1-3]"));
    }

    @Test
    void givenTheLargestRange_whenExpanded_thenAll65536HostsAreListed() throws Exception {
        List<String> names = expand("c[0-65535]");
        assertEquals(65_536, names.size());
        assertEquals("c65535", names.get(65_535));
    }

    @Test
    void givenNumbersUpTo2To64Minus1_whenExpanded_thenTheyArePrintedUnsigned() throws Exception {
        assertEquals(List.of("c18446744073709551614", "c18446744073709551615"),
                expand("c[18446744073709551614-18446744073709551615]"));
    }

    @Test
    void givenTwoGroups_whenExpanded_thenTheLastVariesFastest() throws Exception {
        assertEquals(List.of("rack1-n1", "rack1-n2", "rack2-n1", "rack2-n2"), expand("rack[1-2]-n[1-2]"));
    }

    @Test
    void givenThreeGroups_whenExpanded_thenSlurmsOrderIsKept() throws Exception {
        // the middle group varies slowest, then the first, then the last
        assertEquals(List.of("x1y1z1", "x1y1z2", "x2y1z1", "x2y1z2", "x1y2z1", "x1y2z2", "x2y2z1", "x2y2z2"),
                expand("x[1-2]y[1-2]z[1-2]"));
    }

    @Test
    void givenFourGroups_whenExpanded_thenTheGroupBeforeTheLastVariesSlowest() throws Exception {
        assertEquals(List.of("w1x1y1z1", "w1x1y1z2", "w2x1y1z1", "w2x1y1z2", "w1x2y1z1", "w1x2y1z2",
                "w2x2y1z1", "w2x2y1z2", "w1x1y2z1", "w1x1y2z2", "w2x1y2z1", "w2x1y2z2", "w1x2y2z1", "w1x2y2z2",
                "w2x2y2z1", "w2x2y2z2"), expand("w[1-2]x[1-2]y[1-2]z[1-2]"));
    }

    @Test
    void givenTenGroups_whenCountedAndExpanded_thenEveryCombinationAppearsOnce() throws Exception {
        String expression = "n[1-2]a[1-2]b[1-2]c[1-2]d[1-2]e[1-2]f[1-2]g[1-2]h[1-2]i[1-3]";
        List<String> names = expand(expression);
        assertEquals(1536, Hostlist.count(expression));
        assertEquals(1536, names.size());
        assertEquals(1536, Multiset.of(names).size());
        assertEquals("n1a1b1c1d1e1f1g1h1i1", names.get(0));
        assertEquals("n1a1b1c1d1e1f1g1h1i2", names.get(1));
        assertEquals("n2a1b1c1d1e1f1g1h1i1", names.get(3));
    }

    @Test
    void givenTextAfterTheLastBracket_whenExpanded_thenItIsAppendedToEveryName() throws Exception {
        assertEquals(List.of("c1-ib", "c2-ib"), expand("c[1-2]-ib"));
        assertEquals(List.of("c1.dom", "c2.dom", "c3.dom"), expand("c[1-3].dom"));
        assertEquals(List.of("gpu01-ib0", "gpu02-ib0"), expand("gpu[01-02]-ib0"));
    }

    @Test
    void givenSeveralExpressions_whenExpanded_thenTheirNamesFollowInOrder() throws Exception {
        assertEquals(List.of("azc001", "azc002", "azc003", "azc007", "gpu1", "gpu2"),
                expand("azc[001-003,007],gpu[1-2]"));
    }

    @Test
    void givenAReversedRange_whenExpanded_thenTheErrorNamesTheRange() {
        InvalidHostlistException e = assertThrows(InvalidHostlistException.class, () -> expand("c[3-1]"));
        assertEquals("invalid hostlist \"c[3-1]\": range 3-1 is reversed", e.getMessage());
        assertEquals("c[3-1]", e.expression());
        assertEquals("range 3-1 is reversed", e.reason());
    }

    @Test
    void givenANegativeNumber_whenExpanded_thenItIsRejected() {
        assertEquals("\"-1\" is not a valid range: negative numbers are not allowed", reasonFor("c[-1]"));
        assertEquals("\"1--3\" is not a valid range: negative numbers are not allowed", reasonFor("c[1--3]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"c[a-c]", "c[1-c]", "c[1-3a]", "c[1x2]", "c[1a]", "c[ ]"})
    void givenSomethingThatIsNotANumber_whenExpanded_thenItIsRejected(String expression) {
        assertTrue(reasonFor(expression).endsWith("is not a number or a range"), reasonFor(expression));
    }

    @Test
    void givenEmptyBrackets_whenExpanded_thenTheyAreRejected() {
        assertEquals("empty brackets \"[]\"", reasonFor("c[]"));
        assertEquals("empty element in brackets \"[1,]\"", reasonFor("c[1,]"));
        assertEquals("empty element in brackets \"[1,,2]\"", reasonFor("c[1,,2]"));
    }

    @Test
    void givenAnUnclosedBracket_whenExpanded_thenItIsRejected() {
        // Slurm 22.05 silently added the ']'; 23.02 and later reject it
        assertEquals("unbalanced bracket in \"c[1-3\": \"[\" is not closed", reasonFor("c[1-3"));
        assertEquals("unbalanced bracket in \"c[1\": \"[\" is not closed", reasonFor("c[1, d2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"c[1-3]]", "c1-3]", "a]b[1-2]"})
    void givenAClosingBracketWithoutOpening_whenExpanded_thenItIsRejected(String expression) {
        assertTrue(reasonFor(expression).endsWith("\"]\" without \"[\""), reasonFor(expression));
    }

    @Test
    void givenNestedBrackets_whenExpanded_thenTheyAreRejected() {
        assertEquals("nested brackets in \"c[[1-3]\"", reasonFor("c[[1-3]"));
    }

    @Test
    void givenMoreThan65536HostsInOneRange_whenExpanded_thenItIsRejected() {
        assertEquals("too many hosts in range 0-65536: 65537 (the limit is 65536)", reasonFor("c[0-65536]"));
        assertEquals("too many hosts in range 0-18446744073709551615: 18446744073709551616 (the limit is 65536)",
                reasonFor("c[0-18446744073709551615]"));
    }

    @Test
    void givenMoreThan65536ValuesInAGroupBeforeTheLast_whenExpanded_thenItIsRejected() {
        assertEquals("too many hosts in bracket group \"[0-40000,40001-70000]\": 70001 (the limit is 65536)",
                reasonFor("a[0-40000,40001-70000]b[1]"));
    }

    @Test
    void givenANumberBeyond2To64Minus1_whenExpanded_thenItIsRejected() {
        assertEquals("number \"99999999999999999999\" is too large", reasonFor("c[99999999999999999999]"));
    }

    @Test
    void givenAnErrorInTheFirstOfThreeGroups_whenExpanded_thenTheWholeExpressionIsRejected() {
        // Slurm logs the error and drops those names; scontrol reports it on stderr
        assertEquals("range 3-1 is reversed", reasonFor("x[3-1]y[1-2]z[1-2],c1"));
    }

    @Test
    void givenOneInvalidPart_whenExpanded_thenTheWholeExpressionIsRejected() {
        InvalidHostlistException e = assertThrows(InvalidHostlistException.class,
                () -> expand("c[1-3],d[5-4],e1"));
        assertEquals("c[1-3],d[5-4],e1", e.expression());
        assertEquals("range 5-4 is reversed", e.reason());
    }

    @Test
    void givenControlCharactersInTheExpression_whenRejected_thenTheMessageStaysOnOneLine() {
        InvalidHostlistException e = assertThrows(InvalidHostlistException.class, () -> expand("a\nc[3-1]"));
        assertFalse(e.getMessage().contains("\n"));
        assertEquals("invalid hostlist \"a\\nc[3-1]\": range 3-1 is reversed", e.getMessage());
        assertEquals("a\nc[3-1]", e.expression());
    }

    @Test
    void givenMoreNamesThanCanBeListed_whenExpanded_thenItIsRejectedButCanStillBeCounted() throws Exception {
        String expression = "x[1-65536]y[1-65536]";
        assertEquals("more than " + Hostlist.MAX_NAMES + " names", reasonFor(expression));
        assertEquals(65_536L * 65_536L, Hostlist.count(expression));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "c[1-3],c2|4",
        "rack[1-2]-n[1-2] x|5",
        "c[0-65535]|65536",
        "''|0",
        "a b,c|3"})
    void givenAnExpression_whenCounted_thenTheCountIsTheNumberOfExpandedNames(String expression, long count)
            throws Exception {
        assertEquals(count, Hostlist.count(expression));
        assertEquals(count, expand(expression).size());
    }

    @Test
    void givenAnInvalidExpression_whenCounted_thenItIsRejectedLikeExpand() {
        assertThrows(InvalidHostlistException.class, () -> Hostlist.count("c[3-1]"));
        assertThrows(InvalidHostlistException.class, () -> Hostlist.count("c[1-3"));
    }
}
