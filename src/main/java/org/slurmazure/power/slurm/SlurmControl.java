package org.slurmazure.power.slurm;

import java.util.List;
import java.util.Map;

/**
 * What the power programs ask of Slurm. Every method changes node records in slurmctld and returns once slurmctld has
 * accepted the change; nodes are handled in the order given (for a map, its iteration order: pass a
 * {@link java.util.LinkedHashMap} for a stable one). Each method applies what it can: when some nodes are refused (an
 * unknown node name, say), the others are still applied, and the refused ones are listed in
 * {@link SlurmException#failedNodes()}.
 *
 * <p>The state each method leaves nodes in was measured on a real slurmctld (see {@code docs/slurm-states.md}).
 */
public interface SlurmControl {

    /**
     * Tells slurmctld where to reach nodes that were just started: {@code nodeaddr} and {@code nodehostname}. For
     * State=CLOUD nodes slurmctld resets both to the node name when the node is powered down, so this is needed on
     * every resume (unless on-prem DNS resolves node names, or {@code SlurmctldParameters=cloud_reg_addrs}).
     */
    void setNodeAddresses(List<NodeAddress> addresses) throws SlurmException;

    /**
     * Records the VM behind each started node for Slurm's instance accounting (23.11+, {@code sacctmgr show
     * instance}): the InstanceId and InstanceType fields. With {@link NodeInstance.Support#PAIRED} (26.05+) in
     * batches like the addresses; with {@link NodeInstance.Support#ONE_PER_CALL} (23.11 to 25.11, where one value
     * goes to every node of an update) one call per node; with {@link NodeInstance.Support#NONE}, nothing. Never in
     * the same call as the addresses: a refused instance field must not cost a node its NodeAddr.
     */
    void setInstances(List<NodeInstance> instances, NodeInstance.Support support) throws SlurmException;

    /**
     * Marks nodes that Slurm is resuming (POWERING_UP) but that cannot be started: {@code state=down reason=<reason>}
     * alone. Each reason is cleaned with {@link NodeReason#clean}; nodes that share a reason go in one call.
     *
     * <p>Their jobs are requeued at once (eligible again after the credential lifetime, {@code cred_expire}, 121 s by
     * default) and can start on other nodes. The nodes stay {@code DOWN+CLOUD+NOT_RESPONDING+POWERING_UP} with this
     * reason, visible to admins ({@code sinfo -R}) and tests, until ResumeTimeout; then slurmctld makes them
     * {@code DOWN+POWERED_DOWN} ("ResumeTimeout reached") and runs the ResumeFailProgram, whose
     * {@link #returnToService} brings them back to {@code idle~}. SuspendProgram is not called. If such a VM boots
     * after all, its node registers as DOWN, is powered down after SuspendTime (SuspendProgram), and becomes
     * {@code idle~}.
     *
     * <p>On a node that is not powering up (suspend, resume-fail: its VM could not be deallocated) the node stays
     * {@code DOWN} (after SuspendTimeout {@code DOWN+POWERED_DOWN}) with the reason, out of scheduling and visible
     * to admins, until a reconcile pass or an admin deallocates the VM and returns it to service.
     */
    void failNodes(Map<String, String> reasonByNode) throws SlurmException;

    /**
     * Drains nodes whose failure will not pass by itself (a VM that does not exist or lacks the cluster's tag, a
     * node in no node group): {@code state=drain reason=<reason>}. The node stays out of scheduling, with its reason
     * in {@code sinfo -R}, until an admin fixes the cause and runs {@code scontrol update nodename=X state=resume}.
     * Used by resume-fail (on the {@code DOWN+POWERED_DOWN} node that ResumeTimeout left: a drain set while the node
     * was powering up would be cleared by ResumeTimeout) and by suspend.
     */
    void drainNodes(Map<String, String> reasonByNode) throws SlurmException;

    /**
     * Returns nodes to service after the ResumeFailProgram has deallocated their VMs: {@code state=resume}. A node
     * that ResumeTimeout left {@code DOWN+POWERED_DOWN+NOT_RESPONDING} becomes
     * {@code IDLE+CLOUD+POWERED_DOWN+NOT_RESPONDING} ({@code idle~}) at once, its reason cleared, and the next job
     * (e.g. the requeued one) resumes it through the ResumeProgram as usual. Nodes that are not DOWN or drained
     * (already returned, e.g. by an admin) are left as they are and are not failures. Call it only after the VMs are
     * deallocated: a job can resume the node again right away.
     */
    void returnToService(List<String> nodes) throws SlurmException;

    /**
     * Marks nodes that are up (their VM was found deallocated: evicted, host failure, the portal) failed and has
     * Slurm power them down: {@code state=down reason=<reason>}, then {@code state=power_down_force}. Their jobs
     * requeue at once; slurmctld runs the SuspendProgram (a no-op on a deallocated VM) and the nodes are
     * {@code idle~} again after SuspendTimeout, the reason kept until their next allocation.
     */
    void powerDown(Map<String, String> reasonByNode) throws SlurmException;

    /**
     * The nodes as slurmctld sees them ({@code scontrol show node --oneliner} in one call); nodes slurmctld does not
     * know are left out.
     */
    List<SlurmNode> showNodes(List<String> nodes) throws SlurmException;

    /**
     * slurmctld's version and time limits ({@code scontrol show config} and {@code scontrol show partition}), so
     * that a run ends before Slurm gives up on it (ResumeTimeout) or kills it (the kill timer of 23.02+).
     */
    SlurmLimits limits() throws SlurmException;

    /**
     * slurmctld's configuration, partitions and every node it knows, as scontrol prints them (three read-only calls),
     * for {@code doctor}.
     */
    SlurmSnapshot snapshot() throws SlurmException;

    /**
     * Checks, without calling it, that scontrol can be run: before any write to Azure, since a VM started while
     * Slurm cannot be told about it would run unseen.
     */
    void checkUsable() throws SlurmException;

    /** The same control, each call bounded by the time left until {@code endNanos} ({@link System#nanoTime()}). */
    SlurmControl until(long endNanos);
}
