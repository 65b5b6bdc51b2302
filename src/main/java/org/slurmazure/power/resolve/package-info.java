/**
 * Node-to-VM resolution, pure: which VM belongs to which Slurm node ({@link NodeResolver}).
 */
@NullMarked
package org.slurmazure.power.resolve;

import org.jspecify.annotations.NullMarked;
