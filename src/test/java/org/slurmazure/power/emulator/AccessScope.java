package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the emulator lets the principal do, as Azure RBAC would: a role over the whole subscription (the default), or
 * one scoped to some resource groups, optionally lacking some actions in some groups. A request the scope does not
 * cover answers 403 {@code AuthorizationFailed}. Immutable; {@link #deny} returns a copy.
 *
 * <pre>{@code
 * AccessScope.resourceGroups("hpc1-burst")                      // no subscription-wide list, no other group
 * AccessScope.resourceGroups("hpc1-burst", "gpu-rg").deny("gpu-rg", AccessScope.VM_DEALLOCATE)
 * }</pre>
 *
 * <p>Resource groups match case-insensitively, in every subscription. Operation polls are always allowed (ARM lets
 * the caller of an operation read its status).
 */
public final class AccessScope {
    public static final String VM_READ = "Microsoft.Compute/virtualMachines/read";
    public static final String VM_START = "Microsoft.Compute/virtualMachines/start/action";
    public static final String VM_DEALLOCATE = "Microsoft.Compute/virtualMachines/deallocate/action";
    public static final String VM_POWER_OFF = "Microsoft.Compute/virtualMachines/powerOff/action";
    public static final String NIC_READ = "Microsoft.Network/networkInterfaces/read";
    public static final String OPERATIONS_READ = "Microsoft.Compute/locations/operations/read";
    public static final String USAGES_READ = "Microsoft.Compute/locations/usages/read";
    public static final String SKUS_READ = "Microsoft.Compute/skus/read";

    /**
     * The actions of a role over the whole subscription, as the permissions call lists them: wildcards, as a built-in
     * role would have them (this one allows what the emulator implements and nothing that deletes or writes).
     */
    static final List<String> SUBSCRIPTION_ROLE = List.of(VM_READ, "Microsoft.Compute/virtualMachines/*/action",
            "Microsoft.Compute/virtualMachines/*/read", NIC_READ, "Microsoft.Compute/locations/*/read", SKUS_READ);
    /** The actions of a role scoped to resource groups: the least-privilege role of docs/azure-setup.md. */
    static final List<String> SCOPED_ROLE = List.of(VM_READ, "Microsoft.Compute/virtualMachines/instanceView/read",
            VM_START, VM_DEALLOCATE, VM_POWER_OFF, OPERATIONS_READ, NIC_READ);

    /** Lower-case group names, or null for the whole subscription. */
    private final Set<String> resourceGroups;
    /** Lower-case group name to lower-case actions the role lacks there. */
    private final Map<String, Set<String>> denied;
    /** The names as given, for display. */
    private final Set<String> groupNames;
    private final Map<String, Set<String>> deniedNames;

    private AccessScope(Set<String> groupNames, Map<String, Set<String>> deniedNames) {
        this.groupNames = groupNames == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(groupNames));
        this.deniedNames = Collections.unmodifiableMap(new LinkedHashMap<>(deniedNames));
        if (groupNames == null) {
            this.resourceGroups = null;
        } else {
            Set<String> lower = new LinkedHashSet<>();
            groupNames.forEach(g -> lower.add(lower(g)));
            this.resourceGroups = lower;
        }
        Map<String, Set<String>> d = new LinkedHashMap<>();
        deniedNames.forEach((g, actions) -> {
            Set<String> a = d.computeIfAbsent(lower(g), k -> new LinkedHashSet<>());
            actions.forEach(x -> a.add(lower(x)));
        });
        this.denied = d;
    }

    /** A role over the whole subscription: everything allowed (the default). */
    public static AccessScope subscription() {
        return new AccessScope(null, Map.of());
    }

    /** A role scoped to these resource groups: nothing outside them, not even the subscription-wide VM list. */
    public static AccessScope resourceGroups(String... groups) {
        Set<String> s = new LinkedHashSet<>();
        for (String g : groups) {
            if (g == null || g.isBlank()) {
                throw new IllegalArgumentException("empty resource group name");
            }
            s.add(g.trim());
        }
        return new AccessScope(s, Map.of());
    }

    /** A copy in which the role lacks these actions (e.g. {@link #VM_DEALLOCATE}) in that resource group. */
    public AccessScope deny(String resourceGroup, String... actions) {
        if (resourceGroup == null || resourceGroup.isBlank() || actions.length == 0) {
            throw new IllegalArgumentException("deny needs a resource group and at least one action");
        }
        Map<String, Set<String>> d = new LinkedHashMap<>();
        deniedNames.forEach((g, a) -> d.put(g, new LinkedHashSet<>(a)));
        Set<String> a = d.computeIfAbsent(resourceGroup.trim(), k -> new LinkedHashSet<>());
        for (String x : actions) {
            if (x == null || !x.contains("/")) {
                throw new IllegalArgumentException("invalid action '" + x + "' (e.g. " + VM_DEALLOCATE + ")");
            }
            a.add(x.trim());
        }
        return new AccessScope(groupNames, d);
    }

    /** A copy with {@code RG=ACTION} denied, as given on the command line. */
    AccessScope denyAssignment(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + assignment + "' is not RESOURCE_GROUP=ACTION");
        }
        return deny(assignment.substring(0, eq), assignment.substring(eq + 1));
    }

    /** True for a role over the whole subscription. */
    public boolean subscriptionWide() {
        return resourceGroups == null;
    }

    /** The groups of a scoped role (as given), or null for the whole subscription. */
    public Set<String> resourceGroupNames() {
        return groupNames;
    }

    /**
     * Whether the role allows {@code action} on something in {@code resourceGroup}; a null group means the
     * subscription itself (the subscription-wide list).
     */
    boolean allows(String resourceGroup, String action) {
        if (resourceGroup == null) {
            return resourceGroups == null;
        }
        String g = lower(resourceGroup);
        if (resourceGroups != null && !resourceGroups.contains(g)) {
            return false;
        }
        Set<String> d = denied.get(g);
        return d == null || !d.contains(lower(action));
    }

    /**
     * What {@code GET .../resourceGroups/{rg}/providers/Microsoft.Authorization/permissions} answers: one entry for
     * the role, its actions ({@link #SUBSCRIPTION_ROLE} or {@link #SCOPED_ROLE}) with the actions denied in that group
     * as {@code notActions}; no entry for a group a scoped role does not cover.
     */
    ArrayNode permissions(String resourceGroup) {
        ArrayNode value = Json.MAPPER.createArrayNode();
        String g = lower(resourceGroup);
        if (resourceGroups != null && !resourceGroups.contains(g)) {
            return value;
        }
        ObjectNode p = value.addObject();
        ArrayNode actions = p.putArray("actions");
        (resourceGroups == null ? SUBSCRIPTION_ROLE : SCOPED_ROLE).forEach(actions::add);
        ArrayNode notActions = p.putArray("notActions");
        deniedNames.forEach((group, denied) -> {
            if (lower(group).equals(g)) {
                denied.forEach(notActions::add);
            }
        });
        p.putArray("dataActions");
        p.putArray("notDataActions");
        return value;
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        if (groupNames == null) {
            o.putNull("resourceGroups");
        } else {
            ArrayNode arr = o.putArray("resourceGroups");
            groupNames.forEach(arr::add);
        }
        ObjectNode d = o.putObject("deny");
        deniedNames.forEach((g, actions) -> {
            ArrayNode arr = d.putArray(g);
            actions.forEach(arr::add);
        });
        return o;
    }

    /** The admin API's form: {@code {"resourceGroups":["rg1"] or null,"deny":{"rg1":["...action"]}}}. */
    static AccessScope fromJson(JsonNode n) {
        if (n == null || n.isNull()) {
            return subscription();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("access must be an object {resourceGroups, deny}");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("resourceGroups") && !f.equals("deny")) {
                throw new IllegalArgumentException("unknown access field '" + f + "' (resourceGroups, deny)");
            }
        }
        AccessScope s = subscription();
        JsonNode rgs = n.get("resourceGroups");
        if (rgs != null && !rgs.isNull()) {
            if (!rgs.isArray()) {
                throw new IllegalArgumentException("access.resourceGroups must be a list of names or null");
            }
            String[] names = new String[rgs.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = rgs.get(i).asText();
            }
            s = resourceGroups(names);
        }
        JsonNode deny = n.get("deny");
        if (deny != null && !deny.isNull()) {
            if (!deny.isObject()) {
                throw new IllegalArgumentException("access.deny must map resource groups to lists of actions");
            }
            for (Map.Entry<String, JsonNode> e : deny.properties()) {
                JsonNode actions = e.getValue();
                if (actions.isArray()) {
                    for (JsonNode a : actions) {
                        s = s.deny(e.getKey(), a.asText());
                    }
                } else {
                    s = s.deny(e.getKey(), actions.asText());
                }
            }
        }
        return s;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        if (groupNames == null && deniedNames.isEmpty()) {
            return "subscription";
        }
        return Json.write(toJson());
    }
}
