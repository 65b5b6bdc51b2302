package org.slurmazure.power.slurm;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.hostlist.Hostlist;

/**
 * {@link SlurmControl} through {@code scontrol update}, one argument list per call (no shell).
 *
 * <p>Nodes are batched: up to {@code maxNodesPerCall} nodes per call (200 by default), and no list argument longer
 * than {@link #MAX_LIST_CHARS} characters, far below Linux's 128 KiB limit for one argument. slurmctld 22.05 applies
 * {@code nodename=a,b nodeaddr=ip1,ip2 nodehostname=h1,h2} pairwise in order (checked with 1,000 nodes in one call,
 * 18 ms).
 *
 * <p>When slurmctld refuses a batch because of one node ({@code Invalid node name specified} for an unknown node or
 * lists of different lengths, {@code Invalid node state specified}), the batch may have been applied in part: for
 * state changes every valid node is changed, for addresses the nodes before the bad one. The nodes of that batch are
 * then sent again one per call (re-applying is harmless), so one bad node costs only itself. Any other failure (no
 * answer from slurmctld, permission denied, timeout, scontrol missing) would be the same for every node: the remaining
 * calls are not made and all nodes not yet applied are reported.
 *
 * <p>This class says what each call asks (its arguments, per batch); {@link ScontrolCall} runs one call: batches,
 * the retry one node per call, the time limits, and the nodes not done.
 *
 * <p>Thread-safe: calls share no state, so worker threads may report nodes concurrently.
 */
public final class ScontrolSlurmControl implements SlurmControl {
    private static final Logger LOG = LoggerFactory.getLogger(ScontrolSlurmControl.class);

    /** Below this much time left before the end, no scontrol call is started. */
    static final Duration MIN_CALL_TIME = Duration.ofMillis(50);

    /** Default for the number of nodes named in one scontrol call. */
    public static final int DEFAULT_MAX_NODES_PER_CALL = 200;
    /** Longest comma list passed as one argument (node names, addresses or hostnames). */
    public static final int MAX_LIST_CHARS = 32 * 1024;

    /** scontrol's message when the node list holds an unknown node or the lists differ in length. */
    static final String INVALID_NODE_NAME = "Invalid node name specified";
    /** scontrol's message when the state change does not apply to the node's state (e.g. resume on a node not down). */
    static final String INVALID_NODE_STATE = "Invalid node state specified";

    private final Path scontrol;
    private final Duration timeout;
    private final ScontrolCall.Exec runner;
    private final int maxNodesPerCall;
    /** Calls end by this {@link System#nanoTime()} instant, or null for no end. */
    private final @Nullable Long endNanos;

    /**
     * @param scontrol the scontrol program (absolute path: slurmctld gives its programs no PATH)
     * @param timeout  time limit of one scontrol call; keep it above slurm.conf's MessageTimeout (10 s by default),
     *                 after which scontrol gives up by itself ({@code Socket timed out on send/recv operation})
     * @param runner   runs the calls
     */
    public ScontrolSlurmControl(Path scontrol, Duration timeout, CommandRunner runner) {
        this(scontrol, timeout, runner, DEFAULT_MAX_NODES_PER_CALL);
    }

    public ScontrolSlurmControl(Path scontrol, Duration timeout, CommandRunner runner, int maxNodesPerCall) {
        this(scontrol, timeout, runner == null ? null : runner::run, maxNodesPerCall, null);
    }

    /**
     * A control that runs nothing: the argument list of every call it would make (program first), with the same
     * batching and arguments as a real run, goes to {@code calls}, and every call succeeds. For dry runs.
     */
    public static ScontrolSlurmControl recording(Path scontrol, Consumer<List<String>> calls) {
        return new ScontrolSlurmControl(
                scontrol,
                Duration.ofSeconds(1),
                (command, limit) -> {
                    calls.accept(List.copyOf(command));
                    return new CommandResult(command, 0, "", "", Duration.ZERO);
                },
                DEFAULT_MAX_NODES_PER_CALL,
                null);
    }

    private ScontrolSlurmControl(
            @Nullable Path scontrol,
            @Nullable Duration timeout,
            ScontrolCall.@Nullable Exec runner,
            int maxNodesPerCall,
            @Nullable Long endNanos) {
        if (scontrol == null || timeout == null || runner == null) {
            throw new IllegalArgumentException("scontrol, timeout and runner are required");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxNodesPerCall < 1) {
            throw new IllegalArgumentException("maxNodesPerCall must be at least 1: " + maxNodesPerCall);
        }
        this.scontrol = scontrol;
        this.timeout = timeout;
        this.runner = runner;
        this.maxNodesPerCall = maxNodesPerCall;
        this.endNanos = endNanos;
    }

    @Override
    public void setNodeAddresses(List<NodeAddress> addresses) throws SlurmException {
        List<NodeAddress> all = List.copyOf(addresses);
        ScontrolCall run =
                call("set address of", all.stream().map(NodeAddress::node).toList());
        run.apply(
                all,
                NodeAddress::node,
                batch -> List.of(
                        "update",
                        "nodename=" + join(batch, NodeAddress::node),
                        "nodeaddr=" + join(batch, NodeAddress::addr),
                        "nodehostname=" + join(batch, NodeAddress::hostname)),
                a -> Math.max(
                        a.node().length(),
                        Math.max(a.addr().length(), a.hostname().length())),
                ScontrolCall::exitedZero,
                true);
        run.finish();
    }

    @Override
    public void setInstances(List<NodeInstance> instances, NodeInstance.Support support) throws SlurmException {
        if (support == NodeInstance.Support.NONE || instances.isEmpty()) {
            return;
        }
        List<NodeInstance> all = List.copyOf(instances);
        ScontrolCall run =
                call("set instance of", all.stream().map(NodeInstance::node).toList());
        Function<List<NodeInstance>, List<String>> args = batch -> List.of(
                "update",
                "nodename=" + join(batch, NodeInstance::node),
                "instanceid=" + join(batch, NodeInstance::id),
                "instancetype=" + join(batch, NodeInstance::type));
        Function<NodeInstance, Integer> width = i ->
                Math.max(i.node().length(), Math.max(i.id().length(), i.type().length()));
        if (support == NodeInstance.Support.PAIRED) {
            run.apply(all, NodeInstance::node, args, width, ScontrolCall::exitedZero, true);
        } else {
            for (NodeInstance one : all) {
                run.apply(List.of(one), NodeInstance::node, args, width, ScontrolCall::exitedZero, true);
            }
        }
        run.finish();
    }

    @Override
    public void failNodes(Map<String, String> reasonByNode) throws SlurmException {
        setStateWithReason("mark down", "down", reasonByNode);
    }

    @Override
    public void drainNodes(Map<String, String> reasonByNode) throws SlurmException {
        setStateWithReason("drain", "drain", reasonByNode);
    }

    @Override
    public void powerDown(Map<String, String> reasonByNode) throws SlurmException {
        Map<String, List<String>> groups = groupByReason(reasonByNode);
        ScontrolCall run = call("mark down and power down", List.copyOf(reasonByNode.keySet()));
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            String reason = group.getKey();
            List<String> down = run.apply(
                    group.getValue(),
                    Function.identity(),
                    batch -> List.of("update", "nodename=" + String.join(",", batch), "state=down", "reason=" + reason),
                    String::length,
                    ScontrolCall::exitedZero,
                    false);
            run.apply(
                    down,
                    Function.identity(),
                    batch -> List.of("update", "nodename=" + String.join(",", batch), "state=power_down_force"),
                    String::length,
                    ScontrolCall::exitedZero,
                    true);
        }
        run.finish();
    }

    @Override
    public List<SlurmNode> showNodes(List<String> nodes) throws SlurmException {
        if (nodes.isEmpty()) {
            return List.of();
        }
        ScontrolCall run = call("show nodes", List.of());
        String out = run.readAllowingUnknown(List.of("show", "node", "--oneliner", Hostlist.compress(nodes)));
        ZoneId zone = ZoneId.systemDefault();
        List<SlurmNode> result = new ArrayList<>();
        for (String line : out.lines().toList()) {
            SlurmNode node = SlurmNode.parse(line, zone);
            if (node != null) {
                result.add(node);
            }
        }
        return result;
    }

    /** {@code update nodename=... state=<state> reason=<reason>}, one call per reason and batch. */
    private void setStateWithReason(String action, String state, Map<String, String> reasonByNode)
            throws SlurmException {
        Map<String, List<String>> groups = groupByReason(reasonByNode);
        ScontrolCall run = call(action, List.copyOf(reasonByNode.keySet()));
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            String reason = group.getKey();
            run.apply(
                    group.getValue(),
                    Function.identity(),
                    batch -> List.of(
                            "update", "nodename=" + String.join(",", batch), "state=" + state, "reason=" + reason),
                    String::length,
                    ScontrolCall::exitedZero,
                    true);
        }
        run.finish();
    }

    @Override
    public void returnToService(List<String> nodes) throws SlurmException {
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(nodes));
        unique.forEach(n -> NodeNames.check("node name", n));
        ScontrolCall run = call("return to service", unique);
        run.apply(
                unique,
                Function.identity(),
                batch -> List.of("update", "nodename=" + String.join(",", batch), "state=resume"),
                String::length,
                (result, single) -> {
                    if (result.succeeded()) {
                        return true;
                    }
                    // One node that is not DOWN or drained: already in service, nothing to return. (In a batch the
                    // same refusal leaves the other nodes resumed, but the batch is retried node by node anyway, so
                    // that no other refusal hides behind it.)
                    if (single && result.stderr().contains(INVALID_NODE_STATE)) {
                        LOG.info("{} is not down: left as it is", nodeArg(result));
                        return true;
                    }
                    return false;
                },
                true);
        run.finish();
    }

    @Override
    public SlurmLimits limits() throws SlurmException {
        ScontrolCall run = call("read the configuration", List.of());
        String config = run.read(List.of("show", "config"));
        String partitions;
        try {
            partitions = run.read(List.of("show", "partition", "--oneliner"));
        } catch (SlurmException e) {
            partitions = null; // the global values still hold
        }
        return SlurmLimits.parse(config, partitions);
    }

    @Override
    public SlurmSnapshot snapshot() throws SlurmException {
        ScontrolCall run = call("read the configuration, partitions and nodes", List.of());
        return new SlurmSnapshot(
                run.read(List.of("show", "config")),
                run.read(List.of("show", "partition", "--oneliner")),
                run.read(List.of("show", "node", "--oneliner")));
    }

    @Override
    public void checkUsable() throws SlurmException {
        try {
            CommandRunner.checkRunnable(scontrol);
        } catch (ProgramNotFoundException e) {
            throw new ScontrolNotFoundException(scontrol, e.problem(), List.of(), e);
        }
    }

    @Override
    public ScontrolSlurmControl until(long endNanos) {
        return new ScontrolSlurmControl(scontrol, timeout, runner, maxNodesPerCall, endNanos);
    }

    /** One public call about {@code nodes}, run with this control's program, time limits and batch size. */
    private ScontrolCall call(String action, List<String> nodes) {
        return new ScontrolCall(scontrol, timeout, runner, maxNodesPerCall, endNanos, action, nodes);
    }

    /** Nodes grouped by their cleaned reason, groups in order of first appearance. */
    private static Map<String, List<String>> groupByReason(Map<String, String> reasonByNode) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : reasonByNode.entrySet()) {
            NodeNames.check("node name", e.getKey());
            groups.computeIfAbsent(NodeReason.clean(e.getValue()), r -> new ArrayList<>())
                    .add(e.getKey());
        }
        return groups;
    }

    private static <T> String join(List<T> items, Function<T, String> field) {
        StringBuilder sb = new StringBuilder();
        for (T item : items) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(field.apply(item));
        }
        return sb.toString();
    }

    private static String nodeArg(CommandResult result) {
        return result.command().stream()
                .filter(a -> a.startsWith("nodename="))
                .findFirst()
                .map(a -> a.substring("nodename=".length()))
                .orElse("?");
    }
}
