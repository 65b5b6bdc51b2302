/**
 * Slurm hostlist expressions, pure: expansion and compression with Slurm's own rules ({@link Hostlist}).
 */
@NullMarked
package org.slurmazure.power.hostlist;

import org.jspecify.annotations.NullMarked;
