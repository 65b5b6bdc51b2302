package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compute quotas and VM sizes as ARM reports them: {@code GET /subscriptions/{s}/providers/Microsoft.Compute/locations/
 * {loc}/usages} (Total Regional vCPUs, Total Virtual Machines, and the vCPUs of each VM family present in the region)
 * and {@code GET /subscriptions/{s}/providers/Microsoft.Compute/skus} (the sizes of the emulated VMs: family and
 * vCPUs). A VM counts toward the vCPU usages unless it is deallocated, and toward the VM count always, as in Azure.
 * Family and vCPUs come from the size's name ({@link FailureMessages#family}, {@link FailureMessages#cores}).
 */
final class Quotas {
    static final int DEFAULT_LIMIT = 1000;
    static final int DEFAULT_VM_LIMIT = 25000;

    private Quotas() {
    }

    static String key(String usageName) {
        if (usageName == null || usageName.isBlank()) {
            throw new IllegalArgumentException("empty quota name (cores, virtualMachines or a family)");
        }
        return usageName.trim().toLowerCase(Locale.ROOT);
    }

    static int checkLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a quota limit must be >= 0");
        }
        return limit;
    }

    /** The body of the usages call for the VMs of one subscription and region. */
    static ObjectNode usages(List<EmulatedVm.View> vms, Map<String, Integer> limits) {
        int allocatedCores = 0;
        Map<String, Integer> familyCores = new LinkedHashMap<>();
        for (EmulatedVm.View v : vms) {
            String family = FailureMessages.family(v.vmSize());
            familyCores.putIfAbsent(family, 0);
            if (v.powerState() != PowerState.DEALLOCATED) {
                int cores = FailureMessages.cores(v.vmSize());
                allocatedCores += cores;
                familyCores.merge(family, cores, Integer::sum);
            }
        }
        ObjectNode body = Json.object();
        ArrayNode value = body.putArray("value");
        usage(value, "availabilitySets", "Availability Sets", 0, 2500);
        usage(value, "cores", "Total Regional vCPUs", allocatedCores, limit(limits, "cores", DEFAULT_LIMIT));
        usage(value, "virtualMachines", "Virtual Machines", vms.size(),
                limit(limits, "virtualMachines", DEFAULT_VM_LIMIT));
        usage(value, "virtualMachineScaleSets", "Virtual Machine Scale Sets", 0, 2500);
        for (Map.Entry<String, Integer> f : familyCores.entrySet()) {
            usage(value, f.getKey(), displayName(f.getKey()), f.getValue(), limit(limits, f.getKey(), DEFAULT_LIMIT));
        }
        return body;
    }

    /** The body of the resource SKUs call: one entry per distinct size of the VMs (in {@code location} if given). */
    static ObjectNode skus(List<EmulatedVm.View> vms, String location) {
        Map<String, Set<String>> locationsBySize = new LinkedHashMap<>();
        for (EmulatedVm.View v : vms) {
            if (location == null || v.location().equalsIgnoreCase(location)) {
                locationsBySize.computeIfAbsent(v.vmSize(), k -> new LinkedHashSet<>()).add(v.location());
            }
        }
        ObjectNode body = Json.object();
        ArrayNode value = body.putArray("value");
        for (Map.Entry<String, Set<String>> e : locationsBySize.entrySet()) {
            String size = e.getKey();
            int cores = FailureMessages.cores(size);
            ObjectNode sku = value.addObject();
            sku.put("resourceType", "virtualMachines");
            sku.put("name", size);
            sku.put("tier", "Standard");
            sku.put("size", size.startsWith("Standard_") ? size.substring("Standard_".length()) : size);
            sku.put("family", FailureMessages.family(size));
            ArrayNode locations = sku.putArray("locations");
            ArrayNode info = sku.putArray("locationInfo");
            for (String loc : e.getValue()) {
                locations.add(loc);
                ObjectNode li = info.addObject();
                li.put("location", loc);
                ArrayNode zones = li.putArray("zones");
                zones.add("1");
                zones.add("2");
                zones.add("3");
            }
            ArrayNode caps = sku.putArray("capabilities");
            capability(caps, "vCPUs", Integer.toString(cores));
            capability(caps, "vCPUsAvailable", Integer.toString(cores));
            capability(caps, "MemoryGB", Integer.toString(cores * 4));
            capability(caps, "HyperVGenerations", "V1,V2");
            capability(caps, "PremiumIO", "True");
            sku.putArray("restrictions");
        }
        return body;
    }

    /** The location of a {@code $filter=location eq 'westeurope'}, or null. */
    static String filterLocation(String filter) {
        if (filter == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)^\\s*location\\s+eq\\s+'([^']*)'\\s*$")
                .matcher(filter);
        if (!m.matches()) {
            throw new IllegalArgumentException(filter);
        }
        return m.group(1);
    }

    private static int limit(Map<String, Integer> limits, String name, int dflt) {
        return limits.getOrDefault(key(name), dflt);
    }

    private static void usage(ArrayNode value, String name, String display, int current, int limit) {
        ObjectNode u = value.addObject();
        u.put("limit", limit);
        u.put("unit", "Count");
        u.put("currentValue", current);
        ObjectNode n = u.putObject("name");
        n.put("value", name);
        n.put("localizedValue", display);
    }

    private static void capability(ArrayNode caps, String name, String value) {
        ObjectNode c = caps.addObject();
        c.put("name", name);
        c.put("value", value);
    }

    /** {@code standardDSv5Family} -> {@code Standard DSv5 Family vCPUs}. */
    static String displayName(String family) {
        String s = family.startsWith("standard") ? family.substring("standard".length()) : family;
        s = s.endsWith("Family") ? s.substring(0, s.length() - "Family".length()) : s;
        return "Standard " + s + " Family vCPUs";
    }

    static List<EmulatedVm.View> views(List<EmulatedVm> vms) {
        List<EmulatedVm.View> out = new ArrayList<>(vms.size());
        vms.forEach(v -> out.add(v.view()));
        return out;
    }
}
