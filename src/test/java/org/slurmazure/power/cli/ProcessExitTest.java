package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The exit shortcut depends on the JDK's naming and loop of the HttpClient selector thread: if a JDK changes either,
 * this fails (and every run would again wait 0.3 s at exit).
 */
class ProcessExitTest {

    @Test
    void anInterruptEndsTheSelectorThreadOfAnHttpClient() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        HttpClient client = HttpClient.newHttpClient();
        // Only this client's threads: other tests' clients in this JVM stay usable.
        List<Thread> mine = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).toList();
        List<Thread> selectors = mine.stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager"))
                .toList();
        assertEquals(1, selectors.size(), "a JDK HttpClient has one thread named HttpClient-N-SelectorManager: " + mine);

        int interrupted = ProcessExit.interruptHttpClientSelectors(mine);

        assertEquals(1, interrupted);
        for (Thread t : selectors) {
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " ended after its interrupt");
        }
        assertTrue(client.version() != null); // the client stays reachable until the threads have ended
    }
}
