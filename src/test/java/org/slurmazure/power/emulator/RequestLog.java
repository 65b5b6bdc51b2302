package org.slurmazure.power.emulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The emulator's own request record: the last {@code capacity} requests (when enabled) and, always, counters per
 * status. Memory stays bounded whatever the number of requests.
 */
final class RequestLog {
    private final boolean enabled;
    private final int capacity;
    private final ArrayDeque<RequestRecord> records = new ArrayDeque<>();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    RequestLog(boolean enabled, int capacity) {
        this.enabled = enabled;
        this.capacity = capacity;
    }

    void add(RequestRecord r) {
        total.increment();
        byStatus.computeIfAbsent(r.status(), k -> new LongAdder()).increment();
        if (!enabled) {
            return;
        }
        synchronized (records) {
            if (records.size() >= capacity) {
                records.removeFirst();
            }
            records.addLast(r);
        }
    }

    boolean enabled() {
        return enabled;
    }

    List<RequestRecord> snapshot() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    /** Recorded requests with this method (null = any) whose path contains a match of the regex. */
    long count(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return snapshot().stream()
                .filter(r -> method == null || r.method().equalsIgnoreCase(method))
                .filter(r -> p.matcher(r.path()).find())
                .count();
    }

    void clear() {
        synchronized (records) {
            records.clear();
        }
    }

    long total() {
        return total.sum();
    }

    long countStatus(int status) {
        LongAdder a = byStatus.get(status);
        return a == null ? 0 : a.sum();
    }

    Map<Integer, Long> byStatus() {
        Map<Integer, Long> m = new TreeMap<>();
        byStatus.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
