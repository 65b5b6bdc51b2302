package org.slurmazure.power.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryTest {
    @TempDir
    Path dir;

    @Test
    void aVerdictKeepsItsFirstSightingAcrossPassesUntilItChanges() throws Exception {
        Instant t0 = Instant.parse("2026-12-06T08:00:00Z");
        Memory first = Memory.load(dir);
        assertEquals(t0, first.observe("azc001", Verdict.ORPHAN, t0));
        first.save();

        Memory second = Memory.load(dir);
        assertEquals(t0, second.observe("azc001", Verdict.ORPHAN, t0.plusSeconds(60)));
        assertEquals(t0.plusSeconds(60), second.observe("azc002", Verdict.LOST, t0.plusSeconds(60)));
        second.save();

        Memory third = Memory.load(dir);
        assertEquals(t0.plusSeconds(120), third.observe("azc001", Verdict.STOPPED, t0.plusSeconds(120)));
        third.observe("azc002", Verdict.OK, t0.plusSeconds(120));
        assertNull(third.since("azc002", Verdict.LOST), "an agreeing node is forgotten");
    }

    @Test
    void nodesNoLongerSeenAreForgottenAndAnUnreadableFileStartsAfresh() throws Exception {
        Memory m = Memory.load(dir);
        m.observe("azc001", Verdict.ORPHAN, Instant.EPOCH);
        m.observe("gone", Verdict.ORPHAN, Instant.EPOCH);
        m.forgetUnseen(Set.of("azc001"), null);
        m.save();
        assertEquals("azc001\tORPHAN\t0\n", Files.readString(dir.resolve(Memory.FILE)));

        Files.writeString(dir.resolve(Memory.FILE), "garbage\nazc001\tNO_SUCH_VERDICT\t5\n");
        assertNull(Memory.load(dir).since("azc001", Verdict.ORPHAN));
    }

    @Test
    void aPassOverSomeNodesKeepsTheRecordsOfTheOthers() throws Exception {
        Memory m = Memory.load(dir);
        m.observe("azc001", Verdict.ORPHAN, Instant.EPOCH);
        m.observe("azc002", Verdict.LOST, Instant.EPOCH);
        m.observe("azc014", Verdict.STUCK, Instant.EPOCH);

        m.forgetUnseen(Set.of("azc001"), Set.of("azc001", "azc002")); // a pass over azc[001-002] saw only azc001

        assertEquals(Instant.EPOCH, m.since("azc001", Verdict.ORPHAN));
        assertNull(m.since("azc002", Verdict.LOST), "in the pass's scope, not seen: forgotten");
        assertEquals(Instant.EPOCH, m.since("azc014", Verdict.STUCK), "outside the scope: kept");
    }

    @Test
    void twoPassesAtOnceLoseNoRecord() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String node = "azc" + i;
                all.add(pool.submit(() -> Memory.locked(dir, () -> {
                    Memory mem = Memory.load(dir);
                    mem.observe(node, Verdict.ORPHAN, Instant.EPOCH);
                    mem.save();
                    return null;
                })));
            }
            for (java.util.concurrent.Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        Memory m = Memory.load(dir);
        for (int i = 0; i < 40; i++) {
            assertEquals(Instant.EPOCH, m.since("azc" + i, Verdict.ORPHAN), "azc" + i);
        }
    }
}
