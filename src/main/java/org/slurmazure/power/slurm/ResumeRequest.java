package org.slurmazure.power.slurm;

import java.util.List;

/**
 * The contents of {@code SLURM_RESUME_FILE}.
 *
 * @param jobs     the jobs waiting for the nodes, in file order (empty for {@code scontrol update state=power_up})
 * @param allNodes hostlist of every node being resumed ({@code all_nodes_resume}; {@code all_nodes} in 22.05); the
 *                 same nodes as the program's argument
 */
public record ResumeRequest(List<ResumeJob> jobs, String allNodes) {

    public ResumeRequest {
        jobs = List.copyOf(jobs);
    }
}
