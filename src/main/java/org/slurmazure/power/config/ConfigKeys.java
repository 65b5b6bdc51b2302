package org.slurmazure.power.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every key of the configuration, by section, and the suggestions for unknown keys. */
final class ConfigKeys {
    static final String ROOT = "";
    static final String AZURE = "azure";
    static final String ENDPOINTS = "azure.endpoints";
    static final String CREDENTIAL = "azure.credential";
    static final String CLUSTER = "cluster";
    static final String TAG = "cluster.tag";
    static final String NODE_GROUP = "nodeGroups[]";
    static final String SLURM = "slurm";
    static final String LIMITS = "limits";
    static final String LOG = "log";
    static final String RECONCILE = "reconcile";

    /** Section (with {@code []} for list items) -> its keys, in documentation order. */
    static final Map<String, List<String>> SECTIONS;

    static {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(ROOT, List.of("azure", "cluster", "nodeGroups", "slurm", "limits", "log", "reconcile", "stateDir"));
        m.put(AZURE, List.of("cloud", "endpoints", "subscriptionId", "credential", "caCertificates", "proxy"));
        m.put(ENDPOINTS, List.of("resourceManager", "authority", "audience"));
        m.put(
                CREDENTIAL,
                List.of("type", "tenantId", "clientId", "certificateFile", "certificatePasswordFile", "secretFile"));
        m.put(CLUSTER, List.of("tag"));
        m.put(TAG, List.of("name", "value"));
        m.put(NODE_GROUP, List.of("name", "nodes", "resourceGroup", "vmName", "subscriptionId"));
        m.put(SLURM, List.of("scontrol", "setNodeAddr"));
        m.put(LIMITS, List.of("concurrency", "resumeDeadline", "suspendDeadline", "requestTimeout"));
        m.put(LOG, List.of("file", "level"));
        m.put(RECONCILE, List.of("grace", "deadline"));
        SECTIONS = Map.copyOf(m);
    }

    private ConfigKeys() {}

    static List<String> keys(String section) {
        List<String> keys = SECTIONS.get(section);
        if (keys == null) {
            throw new IllegalArgumentException("unknown section " + section);
        }
        return keys;
    }

    /**
     * The message for an unknown key in a section: a close spelling of a key of that section, else the same key in
     * another section, else the list of valid keys.
     */
    static String unknownKeyMessage(String section, String key) {
        List<String> keys = keys(section);
        String close = closest(key, keys);
        if (close != null) {
            return "unknown key; did you mean \"" + close + "\"?";
        }
        List<String> elsewhere = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : SECTIONS.entrySet()) {
            if (e.getKey().equals(section)) {
                continue;
            }
            for (String k : e.getValue()) {
                if (k.equalsIgnoreCase(key)) {
                    elsewhere.add(e.getKey().isEmpty() ? k : e.getKey() + "." + k);
                }
            }
        }
        if (!elsewhere.isEmpty()) {
            elsewhere.sort(null);
            return "unknown key here; did you mean " + String.join(" or ", elsewhere) + "?";
        }
        return "unknown key; expected one of " + String.join(", ", keys);
    }

    /** The candidate closest to the word, if it is close enough to be a likely misspelling. */
    static String closest(String word, List<String> candidates) {
        String lower = word.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            if (c.toLowerCase(Locale.ROOT).equals(lower)) {
                return c;
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int limit = lower.length() <= 3 ? 1 : lower.length() <= 7 ? 2 : 3;
        for (String c : candidates) {
            int d = distance(lower, c.toLowerCase(Locale.ROOT));
            if (d <= limit && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        if (best == null && lower.length() >= 4) {
            for (String c : candidates) {
                String cl = c.toLowerCase(Locale.ROOT);
                if (cl.startsWith(lower) || lower.startsWith(cl)) {
                    return c;
                }
            }
        }
        return best;
    }

    /** Optimal string alignment distance (Levenshtein plus transpositions of neighbours). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
