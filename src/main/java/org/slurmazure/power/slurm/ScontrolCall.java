package org.slurmazure.power.slurm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One public call of {@link ScontrolSlurmControl}, however many scontrol runs it takes: the nodes it is about, their
 * batches, the nodes done so far and the nodes refused one by one. A failure that is not about one node ends it,
 * reporting every node not done; so does the deadline.
 */
final class ScontrolCall {
    private static final Logger LOG =
            LoggerFactory.getLogger(ScontrolSlurmControl.class); // its lines are the control's

    /** How a call is run: {@link CommandRunner#run}, or only recorded. */
    @FunctionalInterface
    interface Exec {
        CommandResult run(List<String> command, Duration timeout) throws IOException;
    }

    /** Whether a call did what was asked, for one node ({@code single}) or a batch. */
    @FunctionalInterface
    interface Acceptance {
        boolean ok(CommandResult result, boolean single);
    }

    /** A node the request was not applied to, and why. */
    private record Failure(String node, int exitCode, String stderrLine) {}

    private final Path scontrol;
    private final Duration timeout;
    private final Exec runner;
    private final int maxNodesPerCall;
    /** Calls end by this {@link System#nanoTime()} instant, or null for no end. */
    private final @Nullable Long endNanos;

    private final String action;
    private final List<String> nodes;
    private final Set<String> done = new HashSet<>();
    private final List<Failure> failures = new ArrayList<>();

    ScontrolCall(
            Path scontrol,
            Duration timeout,
            Exec runner,
            int maxNodesPerCall,
            @Nullable Long endNanos,
            String action,
            List<String> nodes) {
        this.scontrol = scontrol;
        this.timeout = timeout;
        this.runner = runner;
        this.maxNodesPerCall = maxNodesPerCall;
        this.endNanos = endNanos;
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
            if (left < ScontrolSlurmControl.MIN_CALL_TIME.toNanos()) {
                List<String> failed = notDone();
                throw new SlurmException(
                        "no time left before the deadline to run scontrol " + String.join(" ", abbreviated(args)) + "; "
                                + count(failed.size()) + " not done",
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
            throw new SlurmException(String.valueOf(e.getMessage()), SlurmException.NO_EXIT_CODE, "", notDone(), e);
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

    /** Up to maxNodesPerCall items per batch, and no list argument over ScontrolSlurmControl.MAX_LIST_CHARS characters. */
    private <T> List<List<T>> batches(List<T> items, Function<T, Integer> width) {
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        int chars = 0;
        for (T item : items) {
            int w = width.apply(item) + 1;
            if (!current.isEmpty()
                    && (current.size() >= maxNodesPerCall || chars + w > ScontrolSlurmControl.MAX_LIST_CHARS)) {
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

    static boolean exitedZero(CommandResult result, boolean single) {
        return result.succeeded();
    }

    /** scontrol's own refusals that concern single nodes: worth retrying the batch one node per call. */
    private static boolean nodeSpecific(CommandResult result) {
        return result.exitCode() != 0
                && (result.stderr().contains(ScontrolSlurmControl.INVALID_NODE_NAME)
                        || result.stderr().contains(ScontrolSlurmControl.INVALID_NODE_STATE));
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
