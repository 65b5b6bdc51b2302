package org.slurmazure.power.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigNodeGroupsTest {

    @TempDir
    Path dir;

    private static final String HEAD = """
            azure:
              subscriptionId: 11111111-2222-3333-4444-555555555555
              credential: { type: managed-identity }
            cluster:
              tag: { name: slurm-cluster, value: hpc1 }
            """;

    private ConfigReport check(String nodeGroups) throws IOException {
        return ConfigLoader.check(ConfigFixtures.write(dir, HEAD + nodeGroups));
    }

    private List<String> errors(String nodeGroups) throws IOException {
        return check(nodeGroups).errors().stream().map(ConfigProblem::toString).toList();
    }

    private String file() {
        return dir.resolve("azure-power.yaml").toString();
    }

    @Test
    void givenTwoGroupsSharingANode_whenChecked_thenErrorNamesTheNodeAndBothGroups() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - name: burst
                    nodes: "azc[001-055]"
                    resourceGroup: rg1
                  - name: big
                    nodes: "azc[050-060]"
                    resourceGroup: rg2
                """);

        assertEquals(List.of(file() + ":11:12: nodeGroups[1].nodes: 6 nodes azc[050-055] of group \"big\" are also in"
                + " group \"burst\" (nodeGroups[0], line 8); expected each node in one group only"), errors);
    }

    @Test
    void givenOneNodeInTwoGroups_whenChecked_thenErrorNamesThatNode() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "azc[001-010]"
                    resourceGroup: rg1
                  - nodes: "azc010,azc011"
                    resourceGroup: rg2
                """);

        assertEquals(List.of(file() + ":9:12: nodeGroups[1].nodes: node azc010 of group \"group2\" is also in group"
                + " \"group1\" (nodeGroups[0], line 7); expected each node in one group only"), errors);
    }

    @Test
    void givenInvalidHostlist_whenChecked_thenErrorGivesTheReason() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "c[3-1]"
                    resourceGroup: rg1
                """);

        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith(file() + ":7:12: nodeGroups[0].nodes: found \"c[3-1]\", expected a Slurm"
                + " hostlist like azc[001-100] ("), errors.get(0));
    }

    @Test
    void givenTemplateWithUnknownPlaceholder_whenChecked_thenErrorNamesIt() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "azc[1-2]"
                    resourceGroup: rg1
                    vmName: "{cluster}-{node}"
                """);

        assertEquals(List.of(file() + ":9:13: nodeGroups[0].vmName: found \"{cluster}-{node}\", expected a VM name"
                + " template like \"{node}\" or \"vm-{node}\" (letters, digits, '-', '_', '.' and the placeholder"
                + " {node}): unknown placeholder {cluster} (only {node} is known)"), errors);
    }

    @Test
    void givenUnquotedTemplate_whenChecked_thenErrorSaysToQuoteIt() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "azc[1-2]"
                    resourceGroup: rg1
                    vmName: {node}
                """);

        assertEquals(List.of(file() + ":9:13: nodeGroups[0].vmName: found a mapping, expected a VM name template like"
                + " \"{node}\" or \"vm-{node}\" (letters, digits, '-', '_', '.' and the placeholder {node}); put the"
                + " template in quotes: vmName: \"{node}\""), errors);
    }

    @Test
    void givenTemplateWithASpace_whenChecked_thenErrorNamesTheCharacter() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "azc[1-2]"
                    resourceGroup: rg1
                    vmName: "vm {node}"
                """);

        assertEquals(1, errors.size());
        assertTrue(errors.get(0).endsWith(": character ' ' is not allowed in a VM name"), errors.get(0));
    }

    @Test
    void givenTemplateMakingNamesTooLong_whenChecked_thenErrorShowsTheFirstBadName() throws Exception {
        String prefix = "x".repeat(61);
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "azc[1-3]"
                    resourceGroup: rg1
                    vmName: "PREFIX{node}"
                """.replace("PREFIX", prefix));

        assertEquals(List.of(file() + ":9:13: nodeGroups[0].vmName: template \"" + prefix + "{node}\" gives \""
                + prefix + "azc1\" for node azc1 (and 2 more nodes), where it has 65 characters; expected a valid"
                + " Azure VM name: 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit and not"
                + " ending with '.' or '-'"), errors);
    }

    @Test
    void givenTemplateEndingWithHyphen_whenChecked_thenErrorExplainsTheRule() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "azc1"
                    resourceGroup: rg1
                    vmName: "{node}-"
                """);

        assertEquals(List.of(file() + ":9:13: nodeGroups[0].vmName: template \"{node}-\" gives \"azc1-\" for node azc1,"
                + " where it ends with '-'; expected a valid Azure VM name: 1-64 letters, digits, '-', '_' or '.',"
                + " starting with a letter or digit and not ending with '.' or '-'"), errors);
    }

    @Test
    void givenTemplateWithoutNodeForSeveralNodes_whenChecked_thenErrorSaysTheyShareAVm() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "azc[1-3]"
                    resourceGroup: rg1
                    vmName: "login-vm"
                """);

        assertEquals(List.of(file() + ":9:13: nodeGroups[0].vmName: template \"login-vm\": nodes azc1 and azc2 both"
                + " map to VM login-vm in resource group rg1; expected one VM per node (use {node} in the template)"),
                errors);
    }

    @Test
    void givenTemplateWithoutNodeForOneNode_whenLoaded_thenTheNodeMapsToThatVm() throws Exception {
        Config config = check("""
                nodeGroups:
                  - nodes: "login1"
                    resourceGroup: rg1
                    vmName: "hpc1-login-vm"
                """).configOrThrow();

        assertEquals("hpc1-login-vm", config.nodeGroups().get(0).vmName("login1"));
    }

    @Test
    void givenGroupsWithAndWithoutNames_whenLoaded_thenDefaultNamesFollowThePosition() throws Exception {
        Config config = check("""
                nodeGroups:
                  - nodes: "a[1-2]"
                    resourceGroup: rg1
                  - name: gpu
                    nodes: "b[1-2]"
                    resourceGroup: rg2
                  - nodes: "c[1-2]"
                    resourceGroup: rg3
                """).configOrThrow();

        assertEquals(List.of("group1", "gpu", "group3"), config.nodeGroups().stream().map(NodeGroup::name).toList());
    }

    @Test
    void givenTwoGroupsWithTheSameName_whenChecked_thenErrorNamesTheFirst() throws Exception {
        List<String> errors = errors("""
                nodeGroups:
                  - nodes: "a[1-2]"
                    resourceGroup: rg1
                  - name: group1
                    nodes: "b[1-2]"
                    resourceGroup: rg2
                """);

        assertEquals(List.of(file() + ":9:11: nodeGroups[1].name: found \"group1\", which is already the name of"
                + " nodeGroups[0] (its default name); expected a unique name"), errors);
    }

    @Test
    void givenEveryGroupWithItsOwnSubscription_whenLoaded_thenAzureSubscriptionIsNotNeeded() throws Exception {
        String yaml = HEAD.replace("  subscriptionId: 11111111-2222-3333-4444-555555555555\n", "") + """
                nodeGroups:
                  - nodes: "a[1-2]"
                    resourceGroup: rg1
                    subscriptionId: 22222222-3333-4444-5555-666666666666
                """;

        Config config = ConfigLoader.load(ConfigFixtures.write(dir, yaml));

        assertEquals(java.util.Optional.empty(), config.azure().subscriptionId());
        assertEquals(ConfigFixtures.OTHER_SUBSCRIPTION, config.nodeGroups().get(0).subscriptionId());
    }

    @Test
    void givenEveryGroupWithItsOwnSubscriptionAndAzureOneToo_whenLoaded_thenAWarningSaysItIsUnused()
            throws Exception {
        ConfigReport report = check("""
                nodeGroups:
                  - nodes: "a[1-2]"
                    resourceGroup: rg1
                    subscriptionId: 22222222-3333-4444-5555-666666666666
                """);

        assertTrue(report.valid());
        assertTrue(report.warnings().stream().anyMatch(w -> w.toString().equals(file() + ":2:3: warning:"
                + " azure.subscriptionId: not used: every node group sets its own subscriptionId")),
                report.warnings().toString());
    }

    @Test
    void givenNoSubscriptionAnywhere_whenChecked_thenErrorNamesTheGroupsWithout() throws Exception {
        String yaml = HEAD.replace("  subscriptionId: 11111111-2222-3333-4444-555555555555\n", "") + """
                nodeGroups:
                  - nodes: "a[1-2]"
                    resourceGroup: rg1
                    subscriptionId: 22222222-3333-4444-5555-666666666666
                  - nodes: "b[1-2]"
                    resourceGroup: rg2
                  - nodes: "c[1-2]"
                    resourceGroup: rg3
                """;

        List<String> errors = ConfigLoader.check(ConfigFixtures.write(dir, yaml)).errors().stream()
                .map(ConfigProblem::toString).toList();

        assertEquals(List.of(file() + ":1:1: azure.subscriptionId: missing; expected a subscription GUID like"
                + " 11111111-2222-3333-4444-555555555555 (required unless every node group sets its own subscriptionId;"
                + " nodeGroups[1], nodeGroups[2] do not)"), errors);
    }

    @Test
    void givenEmptyGroupList_whenChecked_thenErrorAsksForAGroup() throws Exception {
        assertEquals(List.of(file() + ":6:1: nodeGroups: found an empty list, expected at least one node group"),
                errors("nodeGroups: []\n"));
    }

    @Test
    void givenGroupsAsAMapping_whenChecked_thenErrorExpectsAList() throws Exception {
        assertEquals(List.of(file() + ":7:3: nodeGroups: found a mapping, expected a list of node groups, each with"
                + " nodes and resourceGroup (items start with \"- \")"), errors("""
                nodeGroups:
                  nodes: "a[1-2]"
                  resourceGroup: rg1
                """));
    }

    @Test
    void givenNodeListedTwiceInAGroup_whenLoaded_thenItCountsOnceWithAWarning() throws Exception {
        ConfigReport report = check("""
                nodeGroups:
                  - nodes: "a[1-3],a2"
                    resourceGroup: rg1
                """);

        assertEquals(List.of("a1", "a2", "a3"), report.configOrThrow().nodeGroups().get(0).nodeNames());
        assertTrue(report.warnings().stream().anyMatch(w -> w.toString().equals(file()
                + ":7:12: warning: nodeGroups[0].nodes: lists node a2 more than once; each node counts once")),
                report.warnings().toString());
    }

    @Test
    void givenInvalidResourceGroup_whenChecked_thenErrorExplainsTheRules() throws Exception {
        assertEquals(List.of(file() + ":8:20: nodeGroups[0].resourceGroup: found \"rg/1\", expected a resource group"
                + " name (1-90 letters, digits, '.', '_', '-', '(' or ')', not ending with '.')"), errors("""
                nodeGroups:
                  - nodes: "a[1-2]"
                    resourceGroup: rg/1
                """));
    }
}
