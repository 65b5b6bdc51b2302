package org.slurmazure.power.config;

/** The rules of Azure VM names and of the {@code vmName} templates that make them from node names. */
final class VmNames {
    static final String RULES = "a valid Azure VM name: 1-64 letters, digits, '-', '_' or '.', "
            + "starting with a letter or digit and not ending with '.' or '-'";

    private VmNames() {}

    /** What is wrong with a VM name template statically, or null. */
    static String templateProblem(String template) {
        if (template.isEmpty()) {
            return "it is empty";
        }
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    return "'{' at position " + (i + 1) + " is not closed";
                }
                String placeholder = template.substring(i, close + 1);
                if (!placeholder.equals(NodeGroup.NODE_PLACEHOLDER)) {
                    return "unknown placeholder " + placeholder + " (only {node} is known)";
                }
                i = close + 1;
                continue;
            }
            if (c == '}') {
                return "'}' at position " + (i + 1) + " has no matching '{'";
            }
            if (!isVmNameChar(c)) {
                return "character '" + c + "' is not allowed in a VM name";
            }
            i++;
        }
        return null;
    }

    private static boolean isVmNameChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '.';
    }

    /** Why this is not a valid Azure (Linux) VM name, or null when it is. */
    static String vmNameProblem(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return "it has " + name.length() + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isVmNameChar(name.charAt(i))) {
                return "character '" + name.charAt(i) + "' is not allowed";
            }
        }
        char first = name.charAt(0);
        if (!Character.isLetterOrDigit(first)) {
            return "it starts with '" + first + "'";
        }
        char last = name.charAt(name.length() - 1);
        if (last == '.' || last == '-') {
            return "it ends with '" + last + "'";
        }
        return null;
    }
}
