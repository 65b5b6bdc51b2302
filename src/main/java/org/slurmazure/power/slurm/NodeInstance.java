package org.slurmazure.power.slurm;

/**
 * The cloud instance behind a node, for Slurm's instance accounting (23.11+, {@code sacctmgr show instance}):
 * {@code scontrol update nodename=<node> instanceid=<id> instancetype=<type>}.
 *
 * @param node the Slurm node name
 * @param id   the VM's ARM resource id (what Azure's cost exports name a VM by)
 * @param type the VM size, e.g. {@code Standard_HB176rs_v4}
 */
public record NodeInstance(String node, String id, String type) {

    public NodeInstance {
        NodeNames.check("node name", node);
        NodeNames.check("instance id", id);
        NodeNames.check("instance type", type);
    }

    /** How a Slurm version takes instance fields in {@code scontrol update}. */
    public enum Support {
        /** Before 23.11 (or version unknown): no such fields; sending one would fail the whole update. */
        NONE,
        /**
         * 23.11 to 25.11: one value for all the nodes of an update (a list would be stored as one string on every
         * node), so one call per node.
         */
        ONE_PER_CALL,
        /** 26.05 on: comma lists paired with the node list, like nodeaddr. */
        PAIRED;

        public static Support of(SlurmLimits limits) {
            if (limits.atLeast(26, 5)) {
                return PAIRED;
            }
            return limits.atLeast(23, 11) ? ONE_PER_CALL : NONE;
        }
    }
}
