package org.slurmazure.power.cli;

/**
 * Ends the process without HotSpot's exit wait. At exit the JVM waits up to 300 ms for threads that are running
 * native code to block ({@code VM_Exit::wait_for_threads_in_native_to_block}); the JDK HttpClient's selector thread
 * sits in {@code epoll_wait} until its client is closed, which Java 17 cannot do, so every run that talked to Azure
 * paid 0.3 s at exit (docs/benchmarks.md, "Fast start"). An interrupt ends that thread's loop. Only for the
 * process's last moments: it would break a client still in use.
 */
final class ProcessExit {
    private ProcessExit() {}

    static void exit(int code) {
        Thread[] threads = new Thread[Thread.activeCount() + 16];
        int n = Thread.enumerate(threads);
        interruptHttpClientSelectors(java.util.Arrays.asList(threads).subList(0, n));
        System.exit(code);
    }

    /** Interrupts the JDK HttpClient selector threads among {@code threads}; returns how many it found. */
    static int interruptHttpClientSelectors(Iterable<Thread> threads) {
        int found = 0;
        for (Thread t : threads) {
            if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
                t.interrupt();
                found++;
            }
        }
        return found;
    }
}
