/**
 * The engine: one run of resume, suspend or resume-fail ({@link PowerRun}), the per-node state machine
 * ({@link NodeRun}) driven in parallel within the run's deadline ({@link PowerEngine}), and the per-node locks.
 */
@NullMarked
package org.slurmazure.power.engine;

import org.jspecify.annotations.NullMarked;
