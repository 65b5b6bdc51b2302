package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * VM spec files (JSON or YAML), name ranges such as {@code azc[001-010]} and private-IP allocation.
 *
 * <p>A file holds either a list of VM objects or {@code {"defaults": {...}, "vms": [...]}}, where the defaults apply
 * to every entry. A name with brackets is a range: one VM per name, and an explicit {@code privateIp} is the first
 * address of the range.
 */
public final class VmSpecs {
    /** The first address handed out (Azure reserves .0 to .3 of a subnet). */
    static final String FIRST_DYNAMIC_IP = "10.1.0.4";
    private static final int LAST_DYNAMIC_IP = ipToInt("10.1.255.254");
    private static final int MAX_NAMES = 100_000;
    private static final Set<String> FIELDS = Set.of("name", "resourceGroup", "subscriptionId", "location", "vmSize",
            "tags", "privateIp", "powerState", "lroDuration", "startFailure", "startFailureTimes", "startHangs",
            "deallocateFailure", "deallocateFailureTimes", "deallocateHangs", "missing");

    private VmSpecs() {
    }

    /** Reads a spec file; {@code .yaml}/{@code .yml} are YAML, anything else JSON. */
    public static List<VmSpec> load(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = n.endsWith(".yaml") || n.endsWith(".yml") ? new YAMLMapper() : Json.MAPPER;
        JsonNode root = mapper.readTree(file.toFile());
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the tree of a spec file (see the class comment). */
    static List<VmSpec> parse(JsonNode root) {
        JsonNode defaults = null;
        JsonNode list = root;
        if (root != null && root.isObject()) {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("vms") && !f.equals("defaults")) {
                    throw new IllegalArgumentException("unknown top-level field '" + f + "' (expected vms, defaults)");
                }
            }
            defaults = root.get("defaults");
            list = root.get("vms");
        }
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("expected a list of VMs or an object with a 'vms' list");
        }
        List<VmSpec> out = new ArrayList<>();
        int i = 0;
        for (JsonNode entry : list) {
            i++;
            try {
                if (!entry.isObject()) {
                    throw new IllegalArgumentException("not an object");
                }
                ObjectNode merged = Json.MAPPER.createObjectNode();
                if (defaults != null) {
                    if (!defaults.isObject()) {
                        throw new IllegalArgumentException("'defaults' is not an object");
                    }
                    merged.setAll((ObjectNode) defaults);
                }
                merged.setAll((ObjectNode) entry);
                out.addAll(fromJson(merged));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("VM #" + i + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static List<VmSpec> fromJson(ObjectNode o) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "' (known: " + String.join(", ",
                        FIELDS.stream().sorted().toList()) + ")");
            }
        }
        String name = text(o, "name");
        if (name == null) {
            throw new IllegalArgumentException("'name' is required");
        }
        VmSpec base = VmSpec.of(name.contains("[") ? "template" : name);
        base.resourceGroup(text(o, "resourceGroup"))
                .subscriptionId(text(o, "subscriptionId"))
                .location(text(o, "location"))
                .privateIp(text(o, "privateIp"))
                .startFailure(text(o, "startFailure"), times(o, "startFailureTimes"))
                .deallocateFailure(text(o, "deallocateFailure"), times(o, "deallocateFailureTimes"))
                .startHangs(bool(o, "startHangs"))
                .deallocateHangs(bool(o, "deallocateHangs"))
                .missing(bool(o, "missing"));
        if (text(o, "vmSize") != null) {
            base.vmSize(text(o, "vmSize"));
        }
        if (text(o, "powerState") != null) {
            base.powerState(PowerState.parse(text(o, "powerState")));
        }
        JsonNode lro = o.get("lroDuration");
        if (lro != null && !lro.isNull()) {
            base.lroDuration(lro.isNumber() ? java.time.Duration.ofMillis(lro.asLong())
                    : Durations.parse(lro.asText()));
        }
        JsonNode tags = o.get("tags");
        if (tags != null && !tags.isNull()) {
            if (!tags.isObject()) {
                throw new IllegalArgumentException("'tags' must be an object of strings");
            }
            tags.properties().forEach(e -> base.tag(e.getKey(), e.getValue().asText()));
        }
        if (base.privateIp() != null) {
            ipToInt(base.privateIp());
        }
        List<String> names = expandNames(name);
        List<VmSpec> out = new ArrayList<>(names.size());
        int ip = base.privateIp() == null ? 0 : ipToInt(base.privateIp());
        for (String n : names) {
            VmSpec s = base.copyNamed(n);
            if (base.privateIp() != null) {
                s.privateIp(intToIp(ip++));
            }
            out.add(s);
        }
        return out;
    }

    private static String text(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return n.asText();
    }

    private static int times(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return FaultRule.ALWAYS;
        }
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.intValue();
        }
        if (n.isTextual() && n.asText().trim().matches("-?\\d{1,9}")) {
            return Integer.parseInt(n.asText().trim());
        }
        throw new IllegalArgumentException("'" + field + "' must be a whole number (-1 = every time)");
    }

    private static boolean bool(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        String t = n.asText().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("'" + field + "' must be true or false");
    }

    /** Writes specs as a JSON file that {@link #load} reads back. */
    static String toJson(List<VmSpec> specs) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (VmSpec s : specs) {
            ObjectNode o = arr.addObject();
            o.put("name", s.name());
            o.put("subscriptionId", s.subscriptionId());
            o.put("resourceGroup", s.resourceGroup());
            o.put("location", s.location());
            o.put("vmSize", s.vmSize());
            ObjectNode tags = o.putObject("tags");
            s.tags().forEach(tags::put);
            o.put("privateIp", s.privateIp());
            o.put("powerState", s.powerState().id());
            if (s.lroDuration() != null) {
                o.put("lroDuration", Durations.format(s.lroDuration()));
            }
            if (s.startFailure() != null) {
                o.put("startFailure", s.startFailure());
                if (s.startFailureTimes() != FaultRule.ALWAYS) {
                    o.put("startFailureTimes", s.startFailureTimes());
                }
            }
            if (s.startHangs()) {
                o.put("startHangs", true);
            }
            if (s.deallocateFailure() != null) {
                o.put("deallocateFailure", s.deallocateFailure());
                if (s.deallocateFailureTimes() != FaultRule.ALWAYS) {
                    o.put("deallocateFailureTimes", s.deallocateFailureTimes());
                }
            }
            if (s.deallocateHangs()) {
                o.put("deallocateHangs", true);
            }
            if (s.missing()) {
                o.put("missing", true);
            }
        }
        return Json.pretty(arr);
    }

    /**
     * Expands {@code azc[001-003,007],gpu1} to azc001 azc002 azc003 azc007 gpu1: commas outside brackets separate
     * names, brackets hold numbers and ranges, the width comes from the low bound (as Slurm does) and several
     * bracket groups multiply. Deliberately small: the product's hostlist engine is the reference.
     */
    public static List<String> expandNames(String expr) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= expr.length(); i++) {
            char c = i < expr.length() ? expr.charAt(i) : ',';
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException("unbalanced ']' in '" + expr + "'");
                }
            } else if ((c == ',' || Character.isWhitespace(c)) && depth == 0) {
                String part = expr.substring(start, i).trim();
                if (!part.isEmpty()) {
                    expandOne(part, "", out);
                }
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced '[' in '" + expr + "'");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no names in '" + expr + "'");
        }
        return out;
    }

    private static void expandOne(String rest, String prefix, List<String> out) {
        int open = rest.indexOf('[');
        if (open < 0) {
            if (rest.contains("]")) {
                throw new IllegalArgumentException("unbalanced ']' in '" + rest + "'");
            }
            out.add(prefix + rest);
            if (out.size() > MAX_NAMES) {
                throw new IllegalArgumentException("more than " + MAX_NAMES + " names");
            }
            return;
        }
        int close = rest.indexOf(']', open);
        if (close < 0) {
            throw new IllegalArgumentException("unbalanced '[' in '" + rest + "'");
        }
        String head = prefix + rest.substring(0, open);
        String tail = rest.substring(close + 1);
        String inner = rest.substring(open + 1, close);
        if (inner.isBlank()) {
            throw new IllegalArgumentException("empty brackets in '" + rest + "'");
        }
        for (String item : inner.split(",", -1)) {
            String t = item.trim();
            String[] bounds = t.split("-", -1);
            if (bounds.length > 2 || !bounds[0].matches("\\d+") || bounds.length == 2 && !bounds[1].matches("\\d+")) {
                throw new IllegalArgumentException("invalid range '" + item + "' in '" + rest + "'");
            }
            int width = bounds[0].length();
            long lo = Long.parseLong(bounds[0]);
            long hi = bounds.length == 2 ? Long.parseLong(bounds[1]) : lo;
            if (hi < lo) {
                throw new IllegalArgumentException("reversed range '" + item + "'");
            }
            if (hi - lo >= MAX_NAMES) {
                throw new IllegalArgumentException("range '" + item + "' is too large");
            }
            for (long v = lo; v <= hi; v++) {
                String num = Long.toString(v);
                StringBuilder padded = new StringBuilder(head);
                for (int k = num.length(); k < width; k++) {
                    padded.append('0');
                }
                expandOne(tail, padded.append(num).toString(), out);
            }
        }
    }

    /**
     * Fills in the private IP of every spec without one, in order, with the next free address from
     * {@link #FIRST_DYNAMIC_IP}, skipping the explicit ones. Rejects duplicate explicit addresses.
     */
    static void assignPrivateIps(List<VmSpec> specs) {
        Set<Integer> used = new HashSet<>();
        for (VmSpec s : specs) {
            if (s.privateIp() != null && !used.add(ipToInt(s.privateIp()))) {
                throw new IllegalArgumentException("private IP " + s.privateIp() + " of VM " + s.name()
                        + " is used twice");
            }
        }
        int next = ipToInt(FIRST_DYNAMIC_IP);
        for (VmSpec s : specs) {
            if (s.privateIp() == null && !s.noPrivateIp()) {
                while (used.contains(next)) {
                    next++;
                }
                if (next > LAST_DYNAMIC_IP) {
                    throw new IllegalArgumentException("no free private IP left in 10.1.0.0/16");
                }
                used.add(next);
                s.privateIp(intToIp(next++));
            }
        }
    }

    static int ipToInt(String ip) {
        String[] p = ip.trim().split("\\.", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 address '" + ip + "'");
        }
        int v = 0;
        for (String part : p) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("invalid IPv4 address '" + ip + "'");
            }
            v = v << 8 | Integer.parseInt(part);
        }
        return v;
    }

    static String intToIp(int v) {
        return (v >>> 24) + "." + (v >>> 16 & 255) + "." + (v >>> 8 & 255) + "." + (v & 255);
    }

    /** Parses {@code key=value} pairs of the command line into a map. */
    static void parseTag(String kv, Map<String, String> into) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("tag '" + kv + "' is not key=value");
        }
        into.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
}
