package org.slurmazure.power.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.slurmazure.power.config.AzureRules.AzureDraft;
import org.slurmazure.power.config.SchemaWalker.Section;
import org.slurmazure.power.config.YamlNode.Entry;
import org.slurmazure.power.config.YamlNode.ListNode;
import org.slurmazure.power.config.YamlNode.MapNode;
import org.slurmazure.power.config.YamlNode.Mark;
import org.slurmazure.power.config.YamlNode.Scalar;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

import static org.slurmazure.power.config.SchemaWalker.GUID_EXAMPLE;
import static org.slurmazure.power.config.SchemaWalker.hasBadChar;

/**
 * The rules of the {@code cluster} and {@code nodeGroups} sections: the cluster tag, each group (name, hostlist,
 * resource group, VM name template, subscription), then across groups unique names, overlaps and VM names
 * ({@link VmNames}).
 */
final class ClusterRules {
    /** The most nodes one group may expand to (a guard against typos such as {@code c[0-99999999]}). */
    static final int MAX_NODES_PER_GROUP = 100_000;

    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern RESOURCE_GROUP = Pattern.compile("[\\p{L}\\p{N}._()-]{1,90}");
    private static final String TAG_NAME_FORBIDDEN = "<>%&\\?/";

    private final SchemaWalker w;
    private final Diagnostics d;

    ClusterRules(SchemaWalker walker) {
        this.w = walker;
        this.d = walker.diagnostics();
    }

    ClusterTag cluster(Section root) {
        String expected = "a mapping with tag: { name: slurm-cluster, value: hpc1 }";
        Section cluster = w.section(root, "cluster", ConfigKeys.CLUSTER, true, expected);
        if (!cluster.present()) {
            return null;
        }
        Section tag = w.section(
                cluster,
                "tag",
                ConfigKeys.TAG,
                true,
                "a mapping with name and value, like { name: slurm-cluster, value: hpc1 }");
        if (!tag.present()) {
            return null;
        }
        String nameExpected = "a tag name like slurm-cluster (1-512 characters, none of < > % & \\ ? /)";
        Scalar name = w.scalar(tag, "name", true, nameExpected);
        String nameText = null;
        if (name != null) {
            nameText = name.text().strip();
            if (nameText.isEmpty() || nameText.length() > 512 || hasBadChar(nameText, ' ', TAG_NAME_FORBIDDEN)) {
                d.found(name, tag.key("name"), nameExpected);
                nameText = null;
            }
        }
        String valueExpected = "a tag value like hpc1 (1-256 characters)";
        Scalar value = w.scalar(tag, "value", true, valueExpected);
        String valueText = null;
        if (value != null) {
            valueText = value.text().strip();
            if (valueText.isEmpty() || valueText.length() > 256 || hasBadChar(valueText, ' ', "")) {
                d.found(value, tag.key("value"), valueExpected);
                valueText = null;
            }
        }
        return nameText == null || valueText == null ? null : new ClusterTag(nameText, valueText);
    }

    // ---------------------------------------------------------------------------------------------- node groups

    static final class GroupDraft {
        int index;
        String path;
        Mark mark;
        String name;
        boolean nameGiven;
        Mark nameMark;
        String nodes;
        Mark nodesMark;
        List<String> nodeNames;
        String resourceGroup;
        String template = NodeGroup.DEFAULT_VM_NAME_TEMPLATE;
        Mark templateMark;
        String subscriptionId;
        boolean subscriptionGiven;
    }

    List<GroupDraft> nodeGroups(Section root) {
        String expected = "a list of node groups, each with nodes and resourceGroup (items start with \"- \")";
        Entry e = root.entry("nodeGroups");
        List<GroupDraft> groups = new ArrayList<>();
        if (e == null) {
            d.error(root.mark(), "nodeGroups", "missing; expected " + expected);
            return groups;
        }
        if (e.value() instanceof Scalar s && s.isNull()) {
            d.error(e.keyMark(), "nodeGroups", "found no value, expected " + expected);
            return groups;
        }
        if (!(e.value() instanceof ListNode list)) {
            d.found(e.value(), "nodeGroups", expected);
            return groups;
        }
        if (list.items().isEmpty()) {
            d.error(e.keyMark(), "nodeGroups", "found an empty list, expected at least one node group");
            return groups;
        }
        for (int i = 0; i < list.items().size(); i++) {
            GroupDraft g = group(i, list.items().get(i));
            if (g != null) {
                groups.add(g);
            }
        }
        return groups;
    }

    private GroupDraft group(int index, YamlNode item) {
        String path = "nodeGroups[" + index + "]";
        if (!(item instanceof MapNode map)) {
            d.found(item, path, "a mapping with nodes and resourceGroup");
            return null;
        }
        w.checkKeys(map, path, ConfigKeys.NODE_GROUP);
        Section s = new Section(path, map, map.mark());
        GroupDraft g = new GroupDraft();
        g.index = index;
        g.path = path;
        g.mark = map.mark();

        g.name = "group" + (index + 1);
        String nameExpected = "a group name like gpu or burst-1 (1-64 letters, digits, '-', '_' or '.')";
        Scalar name = w.scalar(s, "name", false, nameExpected);
        if (name != null) {
            String text = name.text().strip();
            if (GROUP_NAME.matcher(text).matches()) {
                g.name = text;
                g.nameGiven = true;
                g.nameMark = name.mark();
            } else {
                d.found(name, s.key("name"), nameExpected);
            }
        }

        Scalar nodes = w.scalar(s, "nodes", true, "a Slurm hostlist like azc[001-100]");
        if (nodes != null) {
            g.nodes = nodes.text().strip();
            g.nodesMark = nodes.mark();
            g.nodeNames = expand(nodes, s.key("nodes"));
        }

        String rgExpected =
                "a resource group name (1-90 letters, digits, '.', '_', '-', '(' or ')'," + " not ending with '.')";
        Scalar rg = w.scalar(s, "resourceGroup", true, rgExpected);
        if (rg != null) {
            String text = rg.text().strip();
            if (RESOURCE_GROUP.matcher(text).matches() && !text.endsWith(".")) {
                g.resourceGroup = text;
            } else {
                d.found(rg, s.key("resourceGroup"), rgExpected);
            }
        }

        template(s, g);

        Scalar sub = w.scalar(s, "subscriptionId", false, "a subscription GUID like " + GUID_EXAMPLE);
        g.subscriptionGiven = s.entry("subscriptionId") != null
                && !(s.entry("subscriptionId").value() instanceof Scalar sc && sc.isNull());
        if (sub != null) {
            g.subscriptionId = w.guid(sub, s.key("subscriptionId"), "a subscription GUID like " + GUID_EXAMPLE);
        }
        return g;
    }

    private List<String> expand(Scalar nodes, String key) {
        String expression = nodes.text().strip();
        String expected = "a Slurm hostlist like azc[001-100]";
        try {
            long count = Hostlist.count(expression);
            if (count > MAX_NODES_PER_GROUP) {
                d.found(nodes, key, "at most " + MAX_NODES_PER_GROUP + " nodes in one group (it has " + count + ")");
                return null;
            }
            List<String> expanded = Hostlist.expand(expression);
            if (expanded.isEmpty()) {
                d.found(nodes, key, expected + " naming at least one node");
                return null;
            }
            Set<String> unique = new LinkedHashSet<>(expanded);
            if (unique.size() < expanded.size()) {
                Set<String> seen = new HashSet<>();
                Set<String> repeated = new LinkedHashSet<>();
                for (String n : expanded) {
                    if (!seen.add(n)) {
                        repeated.add(n);
                    }
                }
                d.warn(
                        nodes.mark(),
                        key,
                        "lists " + describeNodes(repeated) + " more than once; each node counts once");
            }
            return List.copyOf(unique);
        } catch (InvalidHostlistException e) {
            d.found(nodes, key, expected + " (" + e.reason() + ")");
            return null;
        }
    }

    private void template(Section s, GroupDraft g) {
        String key = s.key("vmName");
        String expected = "a VM name template like \"{node}\" or \"vm-{node}\" (letters, digits, '-', '_', '.'"
                + " and the placeholder {node})";
        Entry e = s.entry("vmName");
        if (e != null
                && e.value() instanceof MapNode m
                && m.entries().size() == 1
                && m.entries().values().iterator().next().value() instanceof Scalar v
                && v.isNull()) {
            d.error(
                    e.value().mark(),
                    key,
                    "found a mapping, expected " + expected + "; put the template in quotes: vmName: \"{"
                            + m.entries().keySet().iterator().next() + "}\"");
            return;
        }
        Scalar t = w.scalar(s, "vmName", false, expected);
        if (t == null) {
            return;
        }
        String problem = VmNames.templateProblem(t.text());
        if (problem != null) {
            d.found(t, key, expected + ": " + problem);
            g.template = null;
            return;
        }
        g.template = t.text();
        g.templateMark = t.mark();
    }

    List<NodeGroup> finishGroups(List<GroupDraft> groups, AzureDraft azure) {
        // Names: unique over all groups.
        Map<String, GroupDraft> byName = new HashMap<>();
        for (GroupDraft g : groups) {
            GroupDraft other = byName.putIfAbsent(g.name, g);
            if (other != null) {
                Mark at = g.nameMark != null ? g.nameMark : g.mark;
                d.error(
                        at,
                        g.path + ".name",
                        "found \"" + g.name + "\", which is already the name of " + other.path
                                + (other.nameGiven ? "" : " (its default name)") + "; expected a unique name");
            }
        }

        // Subscriptions: a group's own, else azure.subscriptionId.
        List<String> without = new ArrayList<>();
        for (GroupDraft g : groups) {
            if (!g.subscriptionGiven) {
                without.add(g.path);
                g.subscriptionId = azure.subscriptionId;
            }
        }
        if (azure.present && !azure.subscriptionGiven && !without.isEmpty()) {
            d.error(
                    azure.subscriptionMark,
                    "azure.subscriptionId",
                    (azure.subscriptionEmpty ? "found no value, expected" : "missing; expected")
                            + " a subscription GUID like " + GUID_EXAMPLE
                            + " (required unless every node group sets its own subscriptionId; "
                            + (without.size() == 1
                                    ? without.get(0) + " does not)"
                                    : String.join(", ", without) + " do not)"));
        }
        if (azure.present
                && azure.subscriptionGiven
                && azure.subscriptionId != null
                && without.isEmpty()
                && !groups.isEmpty()) {
            d.warn(
                    azure.subscriptionMark,
                    "azure.subscriptionId",
                    "not used: every node group sets its own subscriptionId");
        }

        checkOverlaps(groups);
        checkVmNames(groups);

        List<NodeGroup> result = new ArrayList<>();
        for (GroupDraft g : groups) {
            if (g.nodeNames != null && g.resourceGroup != null && g.template != null && g.subscriptionId != null) {
                result.add(new NodeGroup(g.name, g.nodes, g.nodeNames, g.resourceGroup, g.template, g.subscriptionId));
            }
        }
        return result;
    }

    /** A node in two groups is an error naming the node and both groups. */
    private void checkOverlaps(List<GroupDraft> groups) {
        Map<String, GroupDraft> owner = new HashMap<>();
        for (GroupDraft g : groups) {
            if (g.nodeNames == null) {
                continue;
            }
            Map<GroupDraft, List<String>> shared = new LinkedHashMap<>();
            for (String node : g.nodeNames) {
                GroupDraft other = owner.putIfAbsent(node, g);
                if (other != null) {
                    shared.computeIfAbsent(other, k -> new ArrayList<>()).add(node);
                }
            }
            for (Map.Entry<GroupDraft, List<String>> e : shared.entrySet()) {
                GroupDraft other = e.getKey();
                d.error(
                        g.nodesMark,
                        g.path + ".nodes",
                        describeNodes(e.getValue()) + " of group \"" + g.name
                                + "\" " + (e.getValue().size() == 1 ? "is" : "are") + " also in group \"" + other.name
                                + "\" (" + other.path + ", line " + other.nodesMark.line()
                                + "); expected each node in one group only");
            }
        }
    }

    /** Every VM name is valid, and no two nodes share a VM. */
    private void checkVmNames(List<GroupDraft> groups) {
        Map<String, String[]> vmOwner = new HashMap<>();
        for (GroupDraft g : groups) {
            if (g.nodeNames == null || g.template == null) {
                continue;
            }
            String key = g.path + ".vmName";
            Mark at = g.templateMark != null ? g.templateMark : g.nodesMark;
            String what = g.templateMark != null ? "template \"" + g.template + "\"" : "the default template {node}";
            String badNode = null;
            String badReason = null;
            int bad = 0;
            for (String node : g.nodeNames) {
                String vm = g.template.replace(NodeGroup.NODE_PLACEHOLDER, node);
                String problem = VmNames.vmNameProblem(vm);
                if (problem != null) {
                    if (bad++ == 0) {
                        badNode = node;
                        badReason = problem;
                    }
                }
            }
            if (bad > 0) {
                String vm = g.template.replace(NodeGroup.NODE_PLACEHOLDER, badNode);
                d.error(
                        at,
                        key,
                        what + " gives " + Text.quote(vm) + " for node " + badNode
                                + (bad > 1 ? " (and " + (bad - 1) + " more nodes)" : "") + ", where " + badReason
                                + "; expected " + VmNames.RULES);
                continue;
            }
            if (g.resourceGroup == null || g.subscriptionId == null) {
                continue;
            }
            String clash = null;
            for (String node : g.nodeNames) {
                String vm = g.template.replace(NodeGroup.NODE_PLACEHOLDER, node);
                String id = (g.subscriptionId + "/" + g.resourceGroup + "/" + vm).toLowerCase(Locale.ROOT);
                String[] previous = vmOwner.putIfAbsent(id, new String[] {node, g.path});
                if (previous != null && clash == null) {
                    clash = "nodes " + previous[0] + (previous[1].equals(g.path) ? "" : " (" + previous[1] + ")")
                            + " and " + node + " both map to VM " + vm + " in resource group " + g.resourceGroup;
                }
            }
            if (clash != null) {
                d.error(
                        at,
                        key,
                        what + ": " + clash + "; expected one VM per node"
                                + (g.template.contains(NodeGroup.NODE_PLACEHOLDER)
                                        ? ""
                                        : " (use {node} in the template)"));
            }
        }
    }

    private static String describeNodes(Collection<String> nodes) {
        if (nodes.size() == 1) {
            return "node " + nodes.iterator().next();
        }
        return nodes.size() + " nodes " + Hostlist.compress(nodes);
    }
}
