package org.slurmazure.power.e2e;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling with a time limit, failing with a message that says what was awaited and what was seen last. */
final class Waits {
    private Waits() {
    }

    /**
     * Polls {@code probe} every {@code every} until {@code done} accepts its value; returns that value. After
     * {@code limit}, throws an AssertionError naming {@code what} and the last value seen.
     */
    static <T> T until(String what, Duration limit, Duration every, Supplier<T> probe,
            java.util.function.Predicate<T> done) {
        long end = System.nanoTime() + limit.toNanos();
        T last = null;
        while (true) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("waited " + limit.toSeconds() + " s for " + what + "; last seen: " + last);
            }
            sleep(every);
        }
    }

    static <T> T until(String what, Duration limit, Supplier<T> probe, java.util.function.Predicate<T> done) {
        return until(what, limit, Duration.ofMillis(250), probe, done);
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
