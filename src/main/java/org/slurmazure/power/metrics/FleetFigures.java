package org.slurmazure.power.metrics;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a reconcile pass saw, for the gauges that show the fleet: they are replaced by every pass.
 *
 * @param taken          when the pass ended
 * @param vmsByPowerState the node groups' VMs by power state label ({@code running}, {@code deallocated}, ...)
 * @param nodesByVerdict the nodes by verdict label; give every verdict, with 0 for those not seen, so that a verdict
 *                       that disappears shows 0 rather than its last count
 */
public record FleetFigures(Instant taken, Map<String, Integer> vmsByPowerState, Map<String, Integer> nodesByVerdict) {

    public FleetFigures {
        Objects.requireNonNull(taken, "taken");
        vmsByPowerState = Map.copyOf(vmsByPowerState);
        nodesByVerdict = Map.copyOf(nodesByVerdict);
    }
}
