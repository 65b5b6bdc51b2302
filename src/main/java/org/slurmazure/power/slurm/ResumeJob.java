package org.slurmazure.power.slurm;

import org.jspecify.annotations.Nullable;

/**
 * One job of {@code SLURM_RESUME_FILE}.
 *
 * @param jobId         the job id
 * @param nodesToResume hostlist of the job's nodes being resumed in this call ({@code nodes_resume}; {@code nodes}
 *                      in 22.05), or null if the file gives none
 * @param nodesAlloc    hostlist of all the job's nodes, including nodes already up and nodes outside the cloud
 *                      ({@code nodes_alloc}, 23.02+), or null (22.05 does not say)
 * @param partition     the job's partition (23.02+), or null
 */
public record ResumeJob(
        long jobId,
        @Nullable String nodesToResume,
        @Nullable String nodesAlloc,
        @Nullable String partition) {}
