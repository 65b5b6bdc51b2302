package org.slurmazure.power.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlannerTest {

    @ParameterizedTest
    @CsvSource({
            "RESUME, DEALLOCATED, START", "RESUME, STOPPED, START", "RESUME, UNKNOWN, START",
            "RESUME, RUNNING, NOTHING", "RESUME, STARTING, WAIT", "RESUME, DEALLOCATING, WAIT",
            "RESUME, STOPPING, WAIT",
            "SUSPEND, RUNNING, DEALLOCATE", "SUSPEND, STOPPED, DEALLOCATE", "SUSPEND, STARTING, DEALLOCATE",
            "SUSPEND, STOPPING, DEALLOCATE", "SUSPEND, UNKNOWN, DEALLOCATE", "SUSPEND, DEALLOCATED, NOTHING",
            "SUSPEND, DEALLOCATING, WAIT", "RESUME_FAIL, RUNNING, DEALLOCATE", "RESUME_FAIL, DEALLOCATED, NOTHING"})
    void nextStepByModeAndPowerState(PowerMode mode, PowerState state, Planner.Step step) {
        assertEquals(step, Planner.next(mode, state, false));
    }

    @ParameterizedTest
    @CsvSource({"RESUME, DEALLOCATED, WAIT", "SUSPEND, RUNNING, WAIT", "RESUME, RUNNING, NOTHING",
            "SUSPEND, DEALLOCATED, NOTHING"})
    void aVmStillUpdatingIsWaitedForUnlessItIsAlreadyAtTheGoal(PowerMode mode, PowerState state, Planner.Step step) {
        assertEquals(step, Planner.next(mode, state, true));
    }

    @Test
    void aStoppedVmIsNeverLeftStoppedBecauseItStillBills() {
        assertEquals(Planner.Step.DEALLOCATE, Planner.next(PowerMode.SUSPEND, PowerState.STOPPED, false));
        assertEquals(PowerState.DEALLOCATED, Planner.goal(PowerMode.RESUME_FAIL));
    }
}
