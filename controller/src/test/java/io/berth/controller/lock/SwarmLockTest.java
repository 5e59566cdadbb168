package io.berth.controller.lock;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwarmLockTest {

    @Test
    void aHolderOnThisHostThatStillRunsIsNotStaleOneGoneIs() throws Exception {
        Map<String, String> me = SwarmLock.holder("flip blue -> green");
        String host = me.get(SwarmLock.HOST);
        assertFalse(SwarmLock.staleHere(me, host), "this very process holds it");

        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Map<String, String> dead = new HashMap<>(me);
        dead.put(SwarmLock.PID, String.valueOf(gone.pid()));
        assertTrue(SwarmLock.staleHere(dead, host));

        Map<String, String> reused = new HashMap<>(me);
        reused.put(SwarmLock.STARTED, "2001-01-01T00:00:00Z"); // our pid, but another process's start
        assertTrue(SwarmLock.staleHere(reused, host));
    }

    @Test
    void aHolderOnAnotherHostIsNeverTakenOverHere() {
        Map<String, String> elsewhere = new HashMap<>(SwarmLock.holder("flip"));
        elsewhere.put(SwarmLock.PID, "999999999");
        assertFalse(SwarmLock.staleHere(elsewhere, "not-" + elsewhere.get(SwarmLock.HOST)));
        assertTrue(SwarmLock.Holder.of(elsewhere).text().contains("(flip)"), SwarmLock.Holder.of(elsewhere).text());
    }
}
