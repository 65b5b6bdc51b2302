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
        m.retain(Set.of("azc001"));
        m.save();
        assertEquals("azc001\tORPHAN\t0\n", Files.readString(dir.resolve(Memory.FILE)));

        Files.writeString(dir.resolve(Memory.FILE), "garbage\nazc001\tNO_SUCH_VERDICT\t5\n");
        assertNull(Memory.load(dir).since("azc001", Verdict.ORPHAN));
    }
}
