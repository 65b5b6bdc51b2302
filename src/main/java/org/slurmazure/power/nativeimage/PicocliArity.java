package org.slurmazure.power.nativeimage;

/**
 * picocli's reading of an arity bound ({@code CommandLine.Range.parseInt}: the number before any {@code +}, else the
 * default), without the exception picocli takes for every bound that is not a number. picocli reads the arity of every
 * option and parameter while it builds a command's model, and an annotation without one gives it an empty string: a
 * {@link NumberFormatException} each time, whose stack trace a native image walks and decodes (about 3 % of a dry
 * run's CPU). The native image substitutes picocli's method with this one ({@code Target_picocli_CommandLine_Range},
 * src/native/java); {@code PicocliArityTest} holds it to picocli's own on the JVM.
 */
public final class PicocliArity {
    private PicocliArity() {}

    /** What picocli's {@code Range.parseInt(str, defaultValue)} returns, for any string. */
    public static int parseInt(String str, int defaultValue) {
        if (str == null) {
            return defaultValue;
        }
        int plus = str.indexOf('+');
        String number = plus < 0 ? str : str.substring(0, plus);
        int start = !number.isEmpty() && number.charAt(0) == '-' ? 1 : 0;
        if (start == number.length()) {
            return defaultValue; // "" or "-"
        }
        for (int i = start; i < number.length(); i++) {
            if (!Character.isDigit(number.charAt(i))) {
                return defaultValue; // "*", a name, ...: Integer.parseInt would throw
            }
        }
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException outOfRange) {
            return defaultValue;
        }
    }
}
