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
 * <p>The state each method leaves nodes in was measured on a real slurmctld 22.05 (see {@code docs/slurm-states.md}).
 */
public interface SlurmControl {

    /**
     * Tells slurmctld where to reach nodes that were just started: {@code nodeaddr} and {@code nodehostname}. For
     * State=CLOUD nodes slurmctld resets both to the node name when the node is powered down, so this is needed on
     * every resume (unless on-prem DNS resolves node names, or {@code SlurmctldParameters=cloud_reg_addrs}).
     */
    void setNodeAddresses(List<NodeAddress> addresses) throws SlurmException;

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
     * <p>Only for nodes Slurm is powering up: a node that is not POWERING_UP gets no ResumeTimeout and would stay
     * DOWN until an admin resumes it; use {@link #failAndPowerDown} for those.
     */
    void failNodes(Map<String, String> reasonByNode) throws SlurmException;

    /**
     * Marks nodes as failed and has Slurm power them down now: {@code state=down reason=<reason>}, then
     * {@code state=power_down_force} for the nodes the first call accepted. For nodes that are not being resumed
     * (e.g. a VM that could not be deallocated): the jobs requeue, slurmctld runs the SuspendProgram for them within a
     * second (so suspend must be idempotent), and after SuspendTimeout they are {@code idle~} again. DOWN itself lasts
     * only until that power-save pass (under a second); the reason stays on the node (as
     * {@code IDLE+POWERING_DOWN}, then {@code idle~}) until it is next allocated.
     */
    void failAndPowerDown(Map<String, String> reasonByNode) throws SlurmException;

    /**
     * Returns nodes to service after the ResumeFailProgram has deallocated their VMs: {@code state=resume}. A node
     * that ResumeTimeout left {@code DOWN+POWERED_DOWN+NOT_RESPONDING} becomes
     * {@code IDLE+CLOUD+POWERED_DOWN+NOT_RESPONDING} ({@code idle~}) at once, its reason cleared, and the next job
     * (e.g. the requeued one) resumes it through the ResumeProgram as usual. Nodes that are not DOWN or drained
     * (already returned, e.g. by an admin) are left as they are and are not failures. Call it only after the VMs are
     * deallocated: a job can resume the node again right away.
     */
    void returnToService(List<String> nodes) throws SlurmException;
}
