package org.slurmazure.power.emulator;

import java.time.Instant;

/**
 * One request the emulator answered.
 *
 * @param time    when it arrived
 * @param method  GET, POST, ...
 * @param path    the raw path, without the query
 * @param query   the raw query without '?', or ""
 * @param status  the status sent; 0 when the connection was dropped by a fault
 * @param delayMs the delay added before the answer (latency setting plus delay faults)
 */
public record RequestRecord(Instant time, String method, String path, String query, int status, long delayMs) {

    @Override
    public String toString() {
        return time + " " + method + " " + path + (query.isEmpty() ? "" : "?" + query) + " -> " + status;
    }
}
