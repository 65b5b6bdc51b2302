package org.slurmazure.power.slurm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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
    private final CommandRunner runner;
    private final int maxNodesPerCall;
    /** Calls end by this {@link System#nanoTime()} instant, or null for no end. */
    private final Long endNanos;

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
        this(scontrol, timeout, runner, maxNodesPerCall, null);
    }

    private ScontrolSlurmControl(
            Path scontrol, Duration timeout, CommandRunner runner, int maxNodesPerCall, Long endNanos) {
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
        Run run = new Run("set address of", all.stream().map(NodeAddress::node).toList());
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
                ScontrolSlurmControl::exitedZero,
                true);
        run.finish();
    }

    @Override
    public void setInstances(List<NodeInstance> instances, NodeInstance.Support support) throws SlurmException {
        if (support == NodeInstance.Support.NONE || instances.isEmpty()) {
            return;
        }
        List<NodeInstance> all = List.copyOf(instances);
        Run run =
                new Run("set instance of", all.stream().map(NodeInstance::node).toList());
        Function<List<NodeInstance>, List<String>> args = batch -> List.of(
                "update",
                "nodename=" + join(batch, NodeInstance::node),
                "instanceid=" + join(batch, NodeInstance::id),
                "instancetype=" + join(batch, NodeInstance::type));
        Function<NodeInstance, Integer> width = i ->
                Math.max(i.node().length(), Math.max(i.id().length(), i.type().length()));
        if (support == NodeInstance.Support.PAIRED) {
            run.apply(all, NodeInstance::node, args, width, ScontrolSlurmControl::exitedZero, true);
        } else {
            for (NodeInstance one : all) {
                run.apply(List.of(one), NodeInstance::node, args, width, ScontrolSlurmControl::exitedZero, true);
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
        Run run = new Run("mark down and power down", List.copyOf(reasonByNode.keySet()));
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            String reason = group.getKey();
            List<String> down = run.apply(
                    group.getValue(),
                    Function.identity(),
                    batch -> List.of("update", "nodename=" + String.join(",", batch), "state=down", "reason=" + reason),
                    String::length,
                    ScontrolSlurmControl::exitedZero,
                    false);
            run.apply(
                    down,
                    Function.identity(),
                    batch -> List.of("update", "nodename=" + String.join(",", batch), "state=power_down_force"),
                    String::length,
                    ScontrolSlurmControl::exitedZero,
                    true);
        }
        run.finish();
    }

    @Override
    public List<SlurmNode> showNodes(List<String> nodes) throws SlurmException {
        if (nodes.isEmpty()) {
            return List.of();
        }
        Run run = new Run("show nodes", List.of());
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
        Run run = new Run(action, List.copyOf(reasonByNode.keySet()));
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            String reason = group.getKey();
            run.apply(
                    group.getValue(),
                    Function.identity(),
                    batch -> List.of(
                            "update", "nodename=" + String.join(",", batch), "state=" + state, "reason=" + reason),
                    String::length,
                    ScontrolSlurmControl::exitedZero,
                    true);
        }
        run.finish();
    }

    @Override
    public void returnToService(List<String> nodes) throws SlurmException {
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(nodes));
        unique.forEach(n -> NodeNames.check("node name", n));
        Run run = new Run("return to service", unique);
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
        Run run = new Run("read the configuration", List.of());
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
        Run run = new Run("read the configuration, partitions and nodes", List.of());
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

    private static boolean exitedZero(CommandResult result, boolean single) {
        return result.succeeded();
    }

    /** Whether a call did what was asked, for one node ({@code single}) or a batch. */
    @FunctionalInterface
    private interface Acceptance {
        boolean ok(CommandResult result, boolean single);
    }

    /** A node the request was not applied to, and why. */
    private record Failure(String node, int exitCode, String stderrLine) {}

    /**
     * One public call: the nodes it is about, those done so far, and the nodes refused one by one. A failure that is
     * not about one node ends it, reporting every node not done.
     */
    private final class Run {
        private final String action;
        private final List<String> nodes;
        private final Set<String> done = new HashSet<>();
        private final List<Failure> failures = new ArrayList<>();

        Run(String action, List<String> nodes) {
            this.action = action;
            this.nodes = nodes;
        }

        /**
         * Sends {@code items} in batches and returns the nodes the request was applied to; with {@code lastStep} they
         * count as done. Node-specific refusals are collected; any other failure throws.
         */
        <T> List<String> apply(
                List<T> items,
                Function<T, String> nodeOf,
                Function<List<T>, List<String>> args,
                Function<T, Integer> width,
                Acceptance ok,
                boolean lastStep)
                throws SlurmException {
            List<String> applied = new ArrayList<>();
            for (List<T> batch : batches(items, width)) {
                CommandResult result = call(args.apply(batch));
                if (ok.ok(result, batch.size() == 1)) {
                    batch.forEach(item -> applied.add(nodeOf.apply(item)));
                } else if (!nodeSpecific(result)) {
                    throw failedRun(result);
                } else if (batch.size() == 1) {
                    failures.add(new Failure(nodeOf.apply(batch.get(0)), result.exitCode(), result.stderrFirstLine()));
                } else {
                    LOG.warn(
                            "scontrol refused a call for {} nodes ({}); sending them one per call",
                            batch.size(),
                            result.stderrFirstLine());
                    for (T item : batch) {
                        CommandResult single = call(args.apply(List.of(item)));
                        if (ok.ok(single, true)) {
                            applied.add(nodeOf.apply(item));
                        } else if (nodeSpecific(single)) {
                            failures.add(new Failure(nodeOf.apply(item), single.exitCode(), single.stderrFirstLine()));
                        } else {
                            throw failedRun(single);
                        }
                    }
                }
                if (lastStep) {
                    done.addAll(applied);
                }
            }
            return applied;
        }

        /**
         * A read-only call for nodes, some of which slurmctld may not know: its stdout, which lists the others (scontrol
         * exits 1 and names the unknown ones on stderr).
         */
        String readAllowingUnknown(List<String> args) throws SlurmException {
            CommandResult result = call(args);
            if (!result.succeeded()
                    && (result.stdout().isBlank() || !result.stderr().contains("not found"))) {
                throw failedRun(result);
            }
            return result.stdout();
        }

        /** One read-only call ({@code show ...}); its stdout, or a SlurmException when it fails. */
        String read(List<String> args) throws SlurmException {
            CommandResult result = call(args);
            if (!result.succeeded()) {
                throw failedRun(result);
            }
            return result.stdout();
        }

        void finish() throws SlurmException {
            if (failures.isEmpty()) {
                return;
            }
            Failure first = failures.get(0);
            StringBuilder msg = new StringBuilder("scontrol could not ")
                    .append(action)
                    .append(' ')
                    .append(failures.size())
                    .append(failures.size() == 1 ? " node: " : " nodes: ");
            int shown = Math.min(failures.size(), 5);
            for (int i = 0; i < shown; i++) {
                Failure f = failures.get(i);
                msg.append(i == 0 ? "" : ", ")
                        .append(f.node())
                        .append(" (exit ")
                        .append(f.exitCode())
                        .append(f.stderrLine().isEmpty() ? "" : ": " + f.stderrLine())
                        .append(')');
            }
            if (failures.size() > shown) {
                msg.append(" and ").append(failures.size() - shown).append(" more");
            }
            throw new SlurmException(
                    msg.toString(),
                    first.exitCode(),
                    first.stderrLine(),
                    failures.stream().map(Failure::node).toList());
        }

        /** The nodes of this call not done yet, in request order (refused ones included). */
        private List<String> notDone() {
            return nodes.stream().filter(n -> !done.contains(n)).distinct().toList();
        }

        private SlurmException failedRun(CommandResult result) {
            List<String> failed = notDone();
            String first = result.stderrFirstLine();
            String last = result.stderrLastLine();
            String err = first.isEmpty() ? "no message" : first.equals(last) ? first : first + " ... " + last;
            return new SlurmException(
                    "scontrol "
                            + String.join(
                                    " ",
                                    abbreviated(result.command()
                                            .subList(1, result.command().size()))) + " failed with exit code "
                            + result.exitCode() + ": " + err + "; "
                            + count(failed.size()) + " not done",
                    result.exitCode(),
                    first,
                    failed);
        }

        private CommandResult call(List<String> args) throws SlurmException {
            List<String> command = new ArrayList<>(args.size() + 1);
            command.add(scontrol.toString());
            command.addAll(args);
            CommandResult result;
            Duration limit = timeout;
            if (endNanos != null) {
                long left = endNanos - System.nanoTime();
                if (left < MIN_CALL_TIME.toNanos()) {
                    List<String> failed = notDone();
                    throw new SlurmException(
                            "no time left before the deadline to run scontrol " + String.join(" ", abbreviated(args))
                                    + "; " + count(failed.size()) + " not done",
                            SlurmException.NO_EXIT_CODE,
                            "",
                            failed);
                }
                limit = left < timeout.toNanos() ? Duration.ofNanos(left) : timeout;
            }
            try {
                result = runner.run(command, limit);
            } catch (ProgramNotFoundException e) {
                throw new ScontrolNotFoundException(scontrol, e.problem(), notDone(), e);
            } catch (CommandTimeoutException e) {
                List<String> failed = notDone();
                throw new SlurmException(
                        "scontrol " + String.join(" ", abbreviated(args)) + " did not finish within "
                                + CommandRunner.format(limit) + " and was killed (is slurmctld answering?); "
                                + count(failed.size()) + " not done",
                        SlurmException.NO_EXIT_CODE,
                        "",
                        failed,
                        e);
            } catch (IOException e) {
                throw new SlurmException(e.getMessage(), SlurmException.NO_EXIT_CODE, "", notDone(), e);
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "{} -> exit {} in {} ms{}",
                        String.join(" ", abbreviated(command)),
                        result.exitCode(),
                        result.duration().toMillis(),
                        result.stderr().isBlank() ? "" : ": " + result.stderrFirstLine());
            }
            return result;
        }

        /** Up to maxNodesPerCall items per batch, and no list argument over MAX_LIST_CHARS characters. */
        private <T> List<List<T>> batches(List<T> items, Function<T, Integer> width) {
            List<List<T>> batches = new ArrayList<>();
            List<T> current = new ArrayList<>();
            int chars = 0;
            for (T item : items) {
                int w = width.apply(item) + 1;
                if (!current.isEmpty() && (current.size() >= maxNodesPerCall || chars + w > MAX_LIST_CHARS)) {
                    batches.add(current);
                    current = new ArrayList<>();
                    chars = 0;
                }
                current.add(item);
                chars += w;
            }
            if (!current.isEmpty()) {
                batches.add(current);
            }
            return batches;
        }
    }

    /** scontrol's own refusals that concern single nodes: worth retrying the batch one node per call. */
    private static boolean nodeSpecific(CommandResult result) {
        return result.exitCode() != 0
                && (result.stderr().contains(INVALID_NODE_NAME)
                        || result.stderr().contains(INVALID_NODE_STATE));
    }

    private static String count(int nodes) {
        return nodes + (nodes == 1 ? " node" : " nodes");
    }

    /** Arguments for messages: long lists shortened to their first names and a count. */
    private static List<String> abbreviated(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String value = eq < 0 ? arg : arg.substring(eq + 1);
            String[] parts = value.split(",", -1);
            if (eq > 0 && parts.length > 3 && !arg.startsWith("reason=")) {
                out.add(arg.substring(0, eq + 1) + parts[0] + "," + parts[1] + ",...(" + parts.length + ")");
            } else {
                out.add(arg.indexOf(' ') >= 0 ? "'" + arg + "'" : arg);
            }
        }
        return out;
    }
}
