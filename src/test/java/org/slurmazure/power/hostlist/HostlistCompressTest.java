package org.slurmazure.power.hostlist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code scontrol show hostlistsorted}: hostlist_sort then hostlist_ranged_string. Expected values not in the shared
 * corpus were checked against Slurm's own hostlist.c.
 */
class HostlistCompressTest {

    /** Compresses comma-separated names and checks the result expands back to the same names. */
    private static String compress(String commaSeparatedNames) throws InvalidHostlistException {
        List<String> names = Arrays.asList(commaSeparatedNames.split(","));
        String compressed = Hostlist.compress(names);
        assertEquals(Multiset.of(names), Multiset.of(Hostlist.expand(compressed)), "round trip of " + compressed);
        return compressed;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // consecutive numbers become ranges, in numeric order
        "a3,a1,a2|a[1-3]",
        "n755,n756|n[755-756]",
        "gpu3,gpu330,gpu331|gpu[3,330-331]",
        // a lone name keeps no brackets
        "c701|c701",
        // names with text after the number are never compressed
        "b01x,b02x|b01x,b02x",
        // different zero paddings stay apart (width compatibility, then width order)
        "n09,n10,n011|n[09-10,011]",
        "hb4,hb0214|hb[4,0214]",
        "c9,c10,c010|c[9-10,010]",
        "node1,node01,node001|node[1,01,001]",
        // duplicates are kept, each in its own range
        "rack1-n31,rack1-n31|rack1-n[31,31]",
        "rack1-n0659,rack1-n0659|rack1-n[0659,0659]",
        // natural order of prefixes; digits in the middle of a name are part of the prefix
        "gpu10x1,gpu7x1,gpu7x2|gpu7x[1-2],gpu10x1",
        "rack2-n1,rack10-n1,rack1-n1|rack1-n1,rack2-n1,rack10-n1",
        // a name without a number sorts before the ranges of the same prefix
        "c2,c,c1|c,c[1-2]",
        // pure numbers
        "1,2,3|[1-3]",
        "5|5",
        "3,1|[1,3]",
        // Slurm compares low numbers as a truncated int: 3000000000 - 1 is negative
        "c1,c3000000000|c[3000000000,1]"})
    void givenNames_whenCompressed_thenTheResultIsWhatScontrolPrints(String names, String expected) throws Exception {
        assertEquals(expected, compress(names));
    }

    @Test
    void givenTheCorpusExampleWithDuplicatesAndWidths_whenCompressed_thenScontrolsOutputIsReproduced()
            throws Exception {
        assertEquals("rack1-n[625,625-626,628-631,633-634,0115,0115],x7", compress("rack1-n631,rack1-n0115,x7,"
                + "rack1-n629,rack1-n628,rack1-n633,rack1-n634,rack1-n626,rack1-n625,rack1-n630,rack1-n0115,rack1-n625"));
        assertEquals("azc4-ib[1-2,5-7,9-10,12,12-13,15,18,0228-0229],lx", compress("azc4-ib0228,azc4-ib12,azc4-ib10,"
                + "azc4-ib0229,azc4-ib6,azc4-ib18,azc4-ib15,azc4-ib12,azc4-ib1,azc4-ib7,azc4-ib5,azc4-ib2,azc4-ib9,lx,"
                + "azc4-ib13"));
    }

    @Test
    void givenNoNames_whenCompressed_thenTheResultIsEmpty() {
        assertEquals("", Hostlist.compress(List.of()));
    }

    @Test
    void givenANameWithANumberBeyond2To64Minus1_whenCompressed_thenItIsKeptVerbatim() throws Exception {
        assertEquals("c[1-2],c99999999999999999999", compress("c1,c99999999999999999999,c2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a,b", "a b", "a\tb", "a\nb", "c[1]", "c1]"})
    void givenANameAHostlistCannotHold_whenCompressed_thenItIsRejected(String name) {
        assertThrows(IllegalArgumentException.class, () -> Hostlist.compress(List.of("c1", name)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "c[1-3],c2|c[1-2,2-3]",
        "c[1-5],c[3-7]|c[1-3,3-4,4-5,5-7]",
        "c[1-3]x|c1x,c2x,c3x",
        "x[1-2]y[1-2] a|a,x1y[1-2],x2y[1-2]",
        "azc[001-003,007],gpu[1-2]|azc[001-003,007],gpu[1-2]"})
    void givenAnExpression_whenCompressed_thenItIsReadAsScontrolReadsIt(String expression, String expected)
            throws Exception {
        String compressed = Hostlist.compressExpression(expression);
        assertEquals(expected, compressed);
        assertEquals(Multiset.of(Hostlist.expand(expression)), Multiset.of(Hostlist.expand(compressed)));
    }

    @Test
    void givenSeveralExpressions_whenCompressedTogether_thenOneExpressionHoldsAllTheirNames() throws Exception {
        assertEquals("a[1-3],b01x", Hostlist.compressExpressions(List.of("a3,a1", "a2 b01x")));
    }

    @Test
    void givenAnInvalidExpression_whenCompressed_thenItIsRejected() {
        assertThrows(InvalidHostlistException.class, () -> Hostlist.compressExpression("c[1-3"));
        assertThrows(InvalidHostlistException.class, () -> Hostlist.compressExpressions(List.of("a1", "c[3-1]")));
    }

    @Test
    void givenOverlapsWhereSlurmLosesHosts_whenCompressed_thenTheResultStillHasEveryHost() throws Exception {
        // Slurm's hostlist_coalesce drops n009-n053 and n114-n1857 here (and hangs or prints garbage for similar
        // inputs); the result must keep every host.
        String expression = "n[009-53,5-001857,11-113]";
        String compressed = Hostlist.compressExpression(expression);
        assertEquals(Multiset.of(Hostlist.expand(expression)), Multiset.of(Hostlist.expand(compressed)));
        assertTrue(compressed.startsWith("n[5-11,11-12,12-13,"), compressed);
    }

    @Test
    void givenShuffledRandomNames_whenCompressed_thenTheyExpandBackToTheSameMultiset() throws Exception {
        Random random = new Random(20_231_120L);
        String[] prefixes = {"c", "node", "rack1-n", "gpu7x", "gpu10x", "", "azc4-ib", "b"};
        for (int round = 0; round < 500; round++) {
            List<String> names = new ArrayList<>();
            int count = 1 + random.nextInt(random.nextBoolean() ? 10 : 400);
            for (int i = 0; i < count; i++) {
                String prefix = prefixes[random.nextInt(1 + random.nextInt(prefixes.length))];
                int kind = random.nextInt(20);
                String number = Integer.toString(random.nextInt(kind < 10 ? 40 : 2000));
                if (kind % 7 == 0) {
                    number = "0".repeat(1 + random.nextInt(3)) + number; // zero padding
                }
                String name = kind == 19 ? prefix + number + "x" : kind == 18 && !names.isEmpty()
                        ? names.get(random.nextInt(names.size())) : prefix + number;
                names.add(name.isEmpty() ? "z" : name);
            }
            Collections.shuffle(names, random);
            String compressed = Hostlist.compress(names);
            assertEquals(Multiset.of(names), Multiset.of(Hostlist.expand(compressed)), "names " + names);
            assertEquals(names.size(), Hostlist.count(compressed));
            assertEquals(compressed, Hostlist.compressExpression(String.join(",", names)));
        }
    }

    @Test
    void givenRandomExpressionsWithOverlappingRanges_whenCompressed_thenTheyExpandBackToTheSameMultiset()
            throws Exception {
        Random random = new Random(7L);
        for (int round = 0; round < 2000; round++) {
            StringBuilder expression = new StringBuilder();
            int tokens = 1 + random.nextInt(4);
            for (int t = 0; t < tokens; t++) {
                expression.append(t > 0 ? "," : "").append(random.nextBoolean() ? "n[" : "m[");
                int ranges = 1 + random.nextInt(4);
                for (int r = 0; r < ranges; r++) {
                    int lo = random.nextInt(200);
                    int hi = lo + random.nextInt(random.nextInt(5) == 0 ? 2000 : 20);
                    String loText = random.nextInt(4) == 0 ? "00" + lo : Integer.toString(lo);
                    expression.append(r > 0 ? "," : "").append(loText).append('-').append(hi);
                }
                expression.append(']');
            }
            String compressed = Hostlist.compressExpression(expression.toString());
            assertEquals(Multiset.of(Hostlist.expand(expression.toString())), Multiset.of(Hostlist.expand(compressed)),
                    expression::toString);
        }
    }
}
