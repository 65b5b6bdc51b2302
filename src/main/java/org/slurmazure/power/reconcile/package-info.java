/**
 * Azure and Slurm kept in agreement between the power programs' runs: both views joined ({@link FleetView}), each node
 * judged ({@link Judge}), the {@code status} table, and the {@code reconcile} pass that acts on what has lasted its
 * grace ({@link Reconciler}).
 */
@NullMarked
package org.slurmazure.power.reconcile;

import org.jspecify.annotations.NullMarked;
