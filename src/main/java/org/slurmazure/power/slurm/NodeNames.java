package org.slurmazure.power.slurm;

/** Checks single names (node names, addresses) before they are joined into an scontrol list argument. */
final class NodeNames {
    private NodeNames() {}

    /**
     * Rejects what would change the meaning of {@code nodename=a,b} and friends: empty values, whitespace or control
     * characters, list separators ({@code ,}), {@code =} and hostlist brackets (one element must be one node).
     */
    static String check(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f || c == ',' || c == '=' || c == '[' || c == ']' || c == '"' || c == '\'') {
                throw new IllegalArgumentException(what + " \"" + value + "\" contains '" + printable(c)
                        + "', which cannot appear in a single Slurm name");
            }
        }
        return value;
    }

    private static String printable(char c) {
        return c < ' ' || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
