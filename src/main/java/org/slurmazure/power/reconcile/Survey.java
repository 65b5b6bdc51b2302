package org.slurmazure.power.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.slurmazure.power.config.Config;

/** Judges every node of a {@link FleetView.Fleet} and dates each verdict from the passes' {@link Memory}. Pure. */
final class Survey {
    private Survey() {}

    /**
     * @param record true for a reconcile pass (the memory learns this pass's verdicts), false for a status (it only
     *               reads them)
     */
    static List<Row> rows(FleetView.Fleet fleet, Config config, Memory memory, Instant now, boolean record) {
        Duration grace = config.reconcile().grace();
        List<Row> rows = new ArrayList<>();
        for (Observation o : fleet.nodes()) {
            Judge.Judgement j = Judge.judge(
                    o,
                    config.clusterTag().name(),
                    config.clusterTag().value(),
                    config.slurm().setNodeAddr());
            Instant since = record ? memory.observe(o.node(), j.verdict(), now) : memory.since(o.node(), j.verdict());
            if (since == null) {
                since = now;
            }
            boolean acts = j.action() != Judge.Action.NONE && j.action() != Judge.Action.REPORT;
            rows.add(new Row(o, j, since, acts && Duration.between(since, now).compareTo(grace) >= 0));
        }
        return rows;
    }
}
