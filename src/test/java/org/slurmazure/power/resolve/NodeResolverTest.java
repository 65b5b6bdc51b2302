package org.slurmazure.power.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.ConfigException;
import org.slurmazure.power.config.ConfigFixtures;
import org.slurmazure.power.config.ConfigLoader;
import org.slurmazure.power.config.NodeGroup;
import org.slurmazure.power.hostlist.InvalidHostlistException;

class NodeResolverTest {
    private static final String SUB = ConfigFixtures.SUBSCRIPTION;
    private static final String SUB2 = ConfigFixtures.OTHER_SUBSCRIPTION;

    @TempDir
    Path dir;

    private static final String HEAD = """
            azure:
              subscriptionId: 11111111-2222-3333-4444-555555555555
              credential: { type: managed-identity }
            cluster:
              tag: { name: slurm-cluster, value: hpc1 }
            """;

    private Config config(String nodeGroups) throws Exception {
        return ConfigLoader.load(ConfigFixtures.write(dir, HEAD + nodeGroups));
    }

    private NodeResolver twoGroups() throws Exception {
        return new NodeResolver(config("""
                nodeGroups:
                  - nodes: "azc[001-100]"
                    resourceGroup: hpc1-burst
                  - name: gpu
                    nodes: "gpu[01-08]"
                    resourceGroup: hpc1-gpu
                    vmName: "hpc1-{node}"
                    subscriptionId: 22222222-3333-4444-5555-666666666666
                """));
    }

    @Test
    void givenNodesOfTwoGroups_whenResolved_thenEachGetsItsGroupsVmInInputOrder() throws Exception {
        NodeResolver resolver = twoGroups();

        Resolution resolution = resolver.resolve(List.of("gpu02", "azc007", "azc001"));

        assertEquals(List.of(
                new VmTarget("gpu02", "gpu", SUB2, "hpc1-gpu", "hpc1-gpu02"),
                new VmTarget("azc007", "group1", SUB, "hpc1-burst", "azc007"),
                new VmTarget("azc001", "group1", SUB, "hpc1-burst", "azc001")), resolution.targets());
        assertEquals(List.of(), resolution.unmatched());
        assertTrue(resolution.complete());
    }

    @Test
    void givenNodesNoGroupMatches_whenResolved_thenTheyAreListedAsUnmatchedInInputOrder() throws Exception {
        NodeResolver resolver = twoGroups();

        Resolution resolution = resolver.resolve(List.of("onprem12", "azc101", "azc100", "gpu9"));

        assertEquals(List.of(new VmTarget("azc100", "group1", SUB, "hpc1-burst", "azc100")), resolution.targets());
        assertEquals(List.of("onprem12", "azc101", "gpu9"), resolution.unmatched());
        assertTrue(!resolution.complete());
    }

    @Test
    void givenDuplicateNodes_whenResolved_thenEachIsResolvedOnceAtItsFirstPosition() throws Exception {
        NodeResolver resolver = twoGroups();

        Resolution resolution = resolver.resolve(List.of("azc002", "x1", "azc001", "azc002", "x1", "azc001"));

        assertEquals(List.of("azc002", "azc001"), resolution.targets().stream().map(VmTarget::node).toList());
        assertEquals(List.of("x1"), resolution.unmatched());
    }

    @Test
    void givenHostlistAsSlurmPassesIt_whenResolved_thenItIsExpandedFirst() throws Exception {
        NodeResolver resolver = twoGroups();

        Resolution resolution = resolver.resolve("azc[099-101],gpu01");

        assertEquals(List.of("azc099", "azc100", "gpu01"),
                resolution.targets().stream().map(VmTarget::node).toList());
        assertEquals(List.of("azc101"), resolution.unmatched());
    }

    @Test
    void givenInvalidHostlist_whenResolved_thenInvalidHostlistExceptionIsThrown() throws Exception {
        NodeResolver resolver = twoGroups();

        assertThrows(InvalidHostlistException.class, () -> resolver.resolve("azc[3-1]"));
    }

    @Test
    void givenTemplate_whenResolved_thenVmNameAndResourceIdFollowIt() throws Exception {
        NodeResolver resolver = new NodeResolver(config("""
                nodeGroups:
                  - nodes: "n[1-2]"
                    resourceGroup: rg-east
                    vmName: "vm-{node}.{node}"
                """));

        VmTarget target = resolver.target("n2").orElseThrow();

        assertEquals("vm-n2.n2", target.vmName());
        assertEquals("/subscriptions/" + SUB + "/resourceGroups/rg-east/providers/Microsoft.Compute/virtualMachines/"
                + "vm-n2.n2", target.resourceId());
        assertEquals(Optional.empty(), resolver.target("n3"));
    }

    @Test
    void givenOverlappingGroups_whenConfigIsLoaded_thenItIsRejectedBeforeAnyResolution() {
        ConfigException e = assertThrows(ConfigException.class, () -> config("""
                nodeGroups:
                  - nodes: "azc[001-010]"
                    resourceGroup: rg1
                  - nodes: "azc[005-006]"
                    resourceGroup: rg2
                """));

        assertEquals(List.of("nodeGroups[1].nodes"), e.problems().stream().map(p -> p.key()).toList());
        assertTrue(e.problems().get(0).message().contains("\"group1\""), e.getMessage());
        assertTrue(e.problems().get(0).message().contains("\"group2\""), e.getMessage());
        assertTrue(e.problems().get(0).message().contains("azc[005-006]"), e.getMessage());
    }

    @Test
    void givenOverlappingGroupsBuiltByHand_whenResolverIsBuilt_thenItRefuses() {
        List<NodeGroup> groups = List.of(
                new NodeGroup("a", "n1", List.of("n1"), "rg1", "{node}", SUB),
                new NodeGroup("b", "n1", List.of("n1"), "rg2", "{node}", SUB));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NodeResolver(groups));

        assertEquals("node n1 is in groups a and b", e.getMessage());
    }

    @Test
    void givenTenThousandNodes_whenResolved_thenEveryNodeIsFoundQuickly() throws Exception {
        long loadStart = System.nanoTime();
        Config config = config("""
                nodeGroups:
                  - nodes: "azc[00001-08000]"
                    resourceGroup: hpc1-burst
                  - name: gpu
                    nodes: "gpu[0001-2000]"
                    resourceGroup: hpc1-gpu
                    vmName: "hpc1-{node}"
                """);
        long loadMicros = (System.nanoTime() - loadStart) / 1000;
        List<String> nodes = new ArrayList<>();
        for (int i = 2000; i >= 1; i--) {
            nodes.add(String.format("gpu%04d", i));
        }
        for (int i = 1; i <= 8000; i++) {
            nodes.add(String.format("azc%05d", i));
        }

        long start = System.nanoTime();
        NodeResolver resolver = new NodeResolver(config);
        Resolution resolution = resolver.resolve(nodes);
        long micros = (System.nanoTime() - start) / 1000;

        assertEquals(10_000, resolver.size());
        assertEquals(10_000, resolution.targets().size());
        assertEquals(List.of(), resolution.unmatched());
        assertEquals(new VmTarget("gpu2000", "gpu", SUB, "hpc1-gpu", "hpc1-gpu2000"), resolution.targets().get(0));
        assertEquals(new VmTarget("azc08000", "group1", SUB, "hpc1-burst", "azc08000"),
                resolution.targets().get(9_999));
        System.out.println("NodeResolver: 10,000 nodes: config load " + loadMicros + " us (cold), build + resolve "
                + micros + " us");
    }
}
