package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.hostlist.Hostlist;

/** How the checks word counts and node names: {@code 3 nodes}, a hostlist cut after a few ranges. */
final class Wording {
    private static final int SHOWN = 8;

    private Wording() {}

    /** Node names as a hostlist, at most a few groups shown. */
    static String hostlist(List<String> names) {
        String compressed = Hostlist.compress(names);
        List<String> parts = topLevelItems(compressed);
        if (parts.size() <= SHOWN) {
            return compressed;
        }
        return String.join(",", parts.subList(0, SHOWN)) + ",... (" + names.size() + " in all)";
    }

    static String count(int n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }

    static String orNone(@Nullable String value) {
        return value == null || value.isBlank() ? "none" : value;
    }

    /** The comma-separated items of a list whose items may hold commas inside brackets. */
    static List<String> topLevelItems(String list) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < list.length(); i++) {
            char ch = list.charAt(i);
            if (ch == '[') {
                depth++;
            } else if (ch == ']') {
                depth = Math.max(0, depth - 1);
            }
            if (ch == ',' && depth == 0) {
                if (!sb.toString().isBlank()) {
                    items.add(sb.toString().strip());
                }
                sb.setLength(0);
            } else {
                sb.append(ch);
            }
        }
        if (!sb.toString().isBlank()) {
            items.add(sb.toString().strip());
        }
        return items;
    }
}
