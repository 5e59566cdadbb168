package io.berth.agent.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import io.berth.agent.retry.CallBound;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failover between managers, against stand-in managers on loopback that answer, refuse, stall or were demoted. */
class ManagersTest {

    private static final String NODES = "[{\"ID\":\"n0de\",\"Version\":{\"Index\":3},\"Spec\":{\"Availability\":\"active\"},"
            + "\"Status\":{\"State\":\"ready\"}}]";
    private static final String DEMOTED = "{\"message\":\"This node is not a swarm manager. Worker nodes can't be used to "
            + "view or modify cluster state. Please run this command on a manager node or promote the current node to a "
            + "manager.\"}";

    private final List<ScriptedEngine> servers = new ArrayList<>();
    private Managers managers;

    @AfterEach
    void close() throws Exception {
        if (managers != null) {
            managers.close();
        }
        for (ScriptedEngine server : servers) {
            server.close();
        }
    }

    private ScriptedEngine server(ScriptedEngine.Script script) throws Exception {
        ScriptedEngine server = ScriptedEngine.tcp(script);
        servers.add(server);
        return server;
    }

    private static ScriptedEngine.Script answering(int status, String body) {
        return c -> c.write(ScriptedEngine.answer(status, body));
    }

    private Managers managers(Duration timeout, URI... endpoints) {
        List<DockerConnection> connections = new ArrayList<>();
        for (URI endpoint : endpoints) {
            connections.add(DockerConnection.open(endpoint, Optional.empty(), timeout));
        }
        managers = new Managers(connections, timeout);
        return managers;
    }

    @Test
    void aDemotedFirstManagerPassesTheCallOnAndTheOneThatAnsweredIsAskedFirstNextTime() throws Exception {
        ScriptedEngine demoted = server(answering(503, DEMOTED));
        ScriptedEngine healthy = server(answering(200, NODES));
        Managers m = managers(Duration.ofSeconds(2), demoted.endpoint(), healthy.endpoint());

        assertTrue(m.node("n0de").isPresent());
        assertTrue(m.node("n0de").isPresent());
        assertEquals(1, demoted.received.size(), "asked once, then passed over");
        assertEquals(2, healthy.received.size());
    }

    @Test
    void aStalledFirstManagerIsPassedOverWithinItsShareOfTheBound() throws Exception {
        ScriptedEngine stalled = server(ScriptedEngine.Connection::stall);
        ScriptedEngine healthy = server(answering(200, NODES));
        Managers m = managers(Duration.ofSeconds(2), stalled.endpoint(), healthy.endpoint());

        long start = System.nanoTime();
        assertTrue(m.node("n0de").isPresent());
        long millis = (System.nanoTime() - start) / 1_000_000;
        // Two managers share the 2 s bound: the stalled one gets about 1 s.
        assertTrue(millis < 1800, "took " + millis + " ms");
    }

    @Test
    void aRefusedConnectionAndANoLeaderAnswerPassTheCallOn() throws Exception {
        ScriptedEngine noLeader = server(answering(503,
                "{\"message\":\"rpc error: code = Unknown desc = The swarm does not have a leader.\"}"));
        ScriptedEngine healthy = server(answering(200, NODES));
        URI refused = URI.create("tcp://127.0.0.1:" + ScriptedEngine.closedPort());
        Managers m = managers(Duration.ofSeconds(2), refused, noLeader.endpoint(), healthy.endpoint());

        assertTrue(m.node("n0de").isPresent());
        assertEquals(1, noLeader.received.size());
    }

    @Test
    void aFourHundredIsAboutTheRequestAndIsNotPassedOn() throws Exception {
        ScriptedEngine first = server(answering(404, "{\"message\":\"service nope not found\"}"));
        ScriptedEngine second = server(answering(200, NODES));
        Managers m = managers(Duration.ofSeconds(2), first.endpoint(), second.endpoint());

        assertThrows(NotFoundException.class, () -> m.call(c -> c.client().inspectServiceCmd("nope").exec()));
        assertEquals(0, second.received.size(), "the second manager is not asked");
        assertTrue(m.service("nope").isEmpty(), "a removed service is no service, not a failure");
    }

    @Test
    void nodesAreAskedForByLabelNotListedWhole() throws Exception {
        ScriptedEngine manager = server(answering(200, NODES));
        Managers m = managers(Duration.ofSeconds(2), manager.endpoint());

        assertEquals("n0de", m.nodesLabelled("berth.identity", "4c1d").get(0).getId());
        String path = java.net.URLDecoder.decode(manager.received.get(0).path(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("/v1.41/nodes?filters={\"node.label\":[\"berth.identity=4c1d\"]}", path);
    }

    @Test
    void whenEveryManagerFailsTheErrorNamesEachAndIsTransient() throws Exception {
        ScriptedEngine demoted = server(answering(503, DEMOTED));
        ScriptedEngine stalled = server(ScriptedEngine.Connection::stall);
        Managers m = managers(Duration.ofMillis(600), demoted.endpoint(), stalled.endpoint());

        SwarmException e = assertThrows(SwarmException.class, () -> m.node("n0de"));
        assertTrue(e.transientFailure());
        assertTrue(e.getMessage().startsWith("no manager answered: "), e.getMessage());
        assertTrue(e.getMessage().contains("manager " + demoted.endpoint() + " answered 503 This node is not a swarm manager"),
                e.getMessage());
        assertTrue(e.getMessage().contains("manager " + stalled.endpoint() + " did not answer"), e.getMessage());
    }

    @Test
    void aStepsWindowBoundsEveryAttempt() throws Exception {
        ScriptedEngine first = server(ScriptedEngine.Connection::stall);
        ScriptedEngine second = server(ScriptedEngine.Connection::stall);
        Managers m = managers(Duration.ofSeconds(30), first.endpoint(), second.endpoint());

        long start = System.nanoTime();
        assertThrows(SwarmException.class,
                () -> CallBound.within(Instant.now().plusMillis(800), () -> m.node("n0de")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2000, "the window is 0.8 s, each manager's own bound 30 s; took " + millis + " ms");
    }
}
