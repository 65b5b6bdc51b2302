package org.slurmazure.power.cloud.azure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;

/**
 * Errors reactor can no longer deliver go to DEBUG, not to ERROR with a stack trace. When azure-core's RetryPolicy
 * closes a response it is about to retry (a 429, a 5xx) while the JDK HttpClient is still reading its chunked body,
 * the client reports "subscription cancelled" to the subscriber that just cancelled; reactor's default hook logs
 * that as "Operator called default onErrorDropped" at ERROR. The request is retried as usual: the line is noise.
 * The JVM rarely loses that race; the native image (docs/native-image.md), which reaches the close sooner, lost it in
 * about half of the runs with 429s.
 */
final class DroppedErrors {
    private static final Logger LOG = LoggerFactory.getLogger(DroppedErrors.class);

    private DroppedErrors() {}

    /** Installs the hook (once per process: reactor's hooks are global; installing again replaces it). */
    static void toDebug() {
        Hooks.onErrorDropped(e -> LOG.debug("error after cancellation, ignored: {}", String.valueOf(e)));
    }
}
