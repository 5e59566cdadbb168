package io.berth.controller.provider.vsphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.controller.provider.vsphere.Vim.MoRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many waits, one read a round: the poller with a fake reader whose VMs get an address when told. */
class PollerTest {

    private final Set<String> addressed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile boolean failing;

    private List<Vcenter.Props> read(List<MoRef> objects, String type, List<String> paths) throws Exception {
        reads.incrementAndGet();
        if (failing) {
            throw new java.io.IOException("RetrievePropertiesEx: no answer within 30 s");
        }
        List<Vcenter.Props> out = new ArrayList<>();
        for (MoRef o : objects) {
            out.add(new Vcenter.Props(o, addressed.contains(o.value()) ? Map.of("guest.ipAddress", value("10.0.0.1"))
                    : Map.of()));
        }
        return out;
    }

    private static org.w3c.dom.Element value(String text) throws Exception {
        var doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        var e = doc.createElement("val");
        e.setTextContent(text);
        return e;
    }

    private CompletableFuture<Vcenter.Props> waitForIp(Poller poller, String vm, Duration within) {
        return poller.until(new MoRef("VirtualMachine", vm), List.of("guest.ipAddress"),
                p -> p.text("guest.ipAddress").isPresent(), within);
    }

    @Test
    void twentyWaitsAreReadTogetherAndEachEndsWhenItsConditionHolds() throws Exception {
        try (Poller poller = new Poller(this::read)) {
            List<CompletableFuture<Vcenter.Props>> waits = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                waits.add(waitForIp(poller, "vm-" + i, Duration.ofSeconds(30)));
            }
            // Each new wait may start a round at once; once all wait, a round is one read for all twenty.
            Thread.sleep(Poller.ROUND.toMillis());
            int start = reads.get();
            Thread.sleep(4 * Poller.ROUND.toMillis());
            int rounds = reads.get() - start;
            assertTrue(rounds >= 1 && rounds <= 6, "about a read a round, not one per wait: " + rounds + " in 4 rounds");
            int before = reads.get();
            for (int i = 0; i < 20; i++) {
                addressed.add("vm-" + i);
            }
            for (CompletableFuture<Vcenter.Props> w : waits) {
                assertEquals("10.0.0.1", w.get(5, TimeUnit.SECONDS).text("guest.ipAddress").orElseThrow());
            }
            assertTrue(reads.get() - before <= 3, "all twenty seen in a round or two: " + (reads.get() - before));
        }
    }

    @Test
    void aWaitPastItsBoundTimesOutAndAFailedReadFailsTheRound() throws Exception {
        try (Poller poller = new Poller(this::read)) {
            ExecutionException late = assertThrows(ExecutionException.class,
                    () -> waitForIp(poller, "vm-late", Duration.ofMillis(300)).get(5, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, late.getCause());

            failing = true;
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> waitForIp(poller, "vm-x", Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("no answer"), failed.getCause().getMessage());
        }
    }

    @Test
    void closingEndsEveryWait() throws Exception {
        Poller poller = new Poller(this::read);
        CompletableFuture<Vcenter.Props> wait = waitForIp(poller, "vm-1", Duration.ofSeconds(30));
        poller.close();
        assertThrows(ExecutionException.class, () -> wait.get(5, TimeUnit.SECONDS));
    }
}
