/**
 * The plan and the outcome, pure: power modes and states, what to do with a VM ({@link Planner}), why a node failed
 * ({@link FailureClass}), a node's outcome, and the time one run has ({@link TimeBudget}, {@link DeadlinePolicy}).
 */
@NullMarked
package org.slurmazure.power.domain;

import org.jspecify.annotations.NullMarked;
