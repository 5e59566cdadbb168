package io.berth.controller.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.SwarmNodeDescription;
import com.github.dockerjava.api.model.SwarmNodeSpec;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.SwarmNodeStatus;
import io.berth.agent.dns.Comment;
import io.berth.agent.dns.Mark;
import io.berth.agent.dns.RRset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What gc takes for garbage: by identity only, Down nodes only, marked records only, nothing still alive. */
class GarbageTest {

    static final String ZONE = "lab.example.";
    static final String REVERSE = "0.10.in-addr.arpa.";
    static final String LIVE = "11111111-1111-4111-8111-111111111111";
    static final String GONE = "22222222-2222-4222-8222-222222222222";
    static final String HANDMADE = "33333333-3333-4333-8333-333333333333";

    static SwarmNode node(String id, String host, String identity, SwarmNodeState state) {
        Map<String, String> labels = new HashMap<>();
        if (identity != null) {
            labels.put("berth.identity", identity);
            labels.put("berth.pool", "blue");
        }
        return new SwarmNode().withId(id).withDescription(new SwarmNodeDescription().withHostname(host))
                .withStatus(new SwarmNodeStatus().withState(state)).withSpec(new SwarmNodeSpec().withLabels(labels));
    }

    static RRset rrset(String name, String type, String content, String identity) {
        return new RRset(name, type, 60, List.of(content), Optional.ofNullable(identity)
                .map(id -> new Mark("berth", id).comment()));
    }

    @Test
    void theDownNodeAndTheMarkedRecordsOfAGoneVmAreGarbageAndNothingElse() {
        List<SwarmNode> nodes = List.of(
                node("manager", "manager", null, SwarmNodeState.DOWN),                // no mark: never
                node("n-live", "blue1", LIVE, SwarmNodeState.READY),
                node("n-live-old", "blue1", LIVE, SwarmNodeState.DOWN),               // its VM exists: never
                node("n-gone", "blue2", GONE, SwarmNodeState.DOWN),
                node("n-hand", "w9", HANDMADE, SwarmNodeState.READY));                 // an agent lives there
        List<RRset> forward = List.of(
                rrset("blue1.lab.example.", "A", "10.0.0.11", LIVE),
                rrset("blue2.lab.example.", "A", "10.0.0.12", GONE),
                rrset("blue2.lab.example.", "TXT", "\"x\"", GONE),                     // berth writes no TXT
                rrset("w9.lab.example.", "A", "10.0.0.19", HANDMADE),
                rrset("www.lab.example.", "A", "10.0.0.80", null),
                new RRset("old.lab.example.", "A", 60, List.of("10.0.0.81"),
                        Optional.of(new Comment("made by hand", "ops"))));
        List<RRset> reverse = List.of(
                rrset("11.0.0.10.in-addr.arpa.", "PTR", "blue1.lab.example.", LIVE),
                rrset("12.0.0.10.in-addr.arpa.", "PTR", "blue2.lab.example.", GONE),
                rrset("80.0.0.10.in-addr.arpa.", "PTR", "www.lab.example.", null));

        Garbage garbage = Garbage.of(nodes, ZONE, forward, REVERSE, reverse, Set.of(LIVE));

        assertEquals(List.of(new Garbage.StaleNode("n-gone", "blue2", GONE, "blue")), garbage.nodes());
        assertEquals(List.of(new Garbage.StaleRecord(ZONE, "blue2.lab.example.", "A", "10.0.0.12", GONE),
                new Garbage.StaleRecord(REVERSE, "12.0.0.10.in-addr.arpa.", "PTR", "blue2.lab.example.", GONE)),
                garbage.records());
        assertEquals(List.of("node n-gone (blue2, pool blue, down)", "A blue2.lab.example. 10.0.0.12",
                "PTR 12.0.0.10.in-addr.arpa. blue2.lab.example."), garbage.lines());
    }

    @Test
    void aNodeOfAGoneVmThatIsNotYetDownIsNotGarbageAndKeepsItsRecordsAlive() {
        // The VM was just removed: its engine's heartbeat has not timed out yet.
        Garbage garbage = Garbage.of(List.of(node("n-gone", "blue2", GONE, SwarmNodeState.READY)), ZONE,
                List.of(rrset("blue2.lab.example.", "A", "10.0.0.12", GONE)), REVERSE, List.of(), Set.of());
        assertTrue(garbage.isEmpty(), garbage.toString());

        Garbage unknown = Garbage.of(List.of(node("n-gone", "blue2", GONE, SwarmNodeState.UNKNOWN)), ZONE,
                List.of(), null, List.of(), Set.of());
        assertTrue(unknown.isEmpty(), "only Down is gone for good: " + unknown);
    }

    @Test
    void identitiesAreComparedWhateverTheirCase() {
        Garbage garbage = Garbage.of(List.of(node("n1", "blue1", LIVE.toUpperCase(), SwarmNodeState.DOWN)), ZONE,
                List.of(), null, List.of(), Set.of(LIVE));
        assertTrue(garbage.isEmpty(), garbage.toString());
    }
}
