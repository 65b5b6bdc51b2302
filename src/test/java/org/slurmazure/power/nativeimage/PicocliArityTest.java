package org.slurmazure.power.nativeimage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@link PicocliArity#parseInt} answers as picocli's own {@code Range.parseInt}, which the native image replaces. */
class PicocliArityTest {

    @Test
    void answersAsPicocliForArityStringsNumbersAndNonsense() throws Exception {
        Method picocli = Class.forName(CommandLine.class.getName() + "$Range")
                .getDeclaredMethod("parseInt", String.class, int.class);
        picocli.setAccessible(true);
        List<String> inputs = new ArrayList<>(List.of(
                "", " ", "*", "-", "+", "0", "1", "2", "10", "007", "-1", "-0", "1+", "2+", "+1", "1+2", "0..1",
                "1..*", "a", "1a", "a1", " 1", "1 ", "2147483647", "2147483648", "-2147483648", "-2147483649",
                "99999999999", "١٢", "１２", "--1", "1-", "${sys:x}", "\t"));
        for (int i = -5; i <= 300; i++) {
            inputs.add(Integer.toString(i));
            inputs.add(i + "+");
        }
        for (String input : inputs) {
            for (int defaultValue : new int[] {-1, 0, Integer.MAX_VALUE}) {
                assertEquals(
                        picocli.invoke(null, input, defaultValue),
                        PicocliArity.parseInt(input, defaultValue),
                        () -> "'" + input + "', default " + defaultValue);
            }
        }
        assertEquals(picocli.invoke(null, null, 7), PicocliArity.parseInt(null, 7));
    }
}
