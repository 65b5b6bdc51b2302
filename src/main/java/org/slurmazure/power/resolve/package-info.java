/**
 * Node-to-VM resolution: the pure core that tells the power programs which VM belongs to which Slurm node
 * ({@link org.slurmazure.power.resolve.NodeResolver}).
 */
package org.slurmazure.power.resolve;
