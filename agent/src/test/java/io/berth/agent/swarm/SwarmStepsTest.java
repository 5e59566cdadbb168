package io.berth.agent.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.SwarmNodeAvailability;
import com.github.dockerjava.api.model.SwarmNodeState;
import io.berth.agent.state.Hold;
import io.berth.agent.state.HostState;
import io.berth.agent.state.MovingTask;
import io.berth.agent.state.StateStore;
import io.berth.agent.step.StepResult;
import io.berth.config.AgentConfig.HostPort;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each swarm step's decisions, against an in-memory Swarm: what it does, what it leaves, what it records first. */
class SwarmStepsTest {

    @TempDir
    Path stateDir;

    private final FakeSwarm swarm = new FakeSwarm();
    private StateStore state;
    private ServerSocket joinPort;
    private final List<HostState> seenBeforeChange = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        state = StateStore.open(stateDir, "life-2", true);
        joinPort = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        swarm.beforeChange = () -> seenBeforeChange.add(state.get());
    }

    @AfterEach
    void close() throws Exception {
        joinPort.close();
    }

    private JoinStep join(boolean hold) {
        return new JoinStep(swarm, swarm, new JoinRequest(List.of(new HostPort("127.0.0.1", joinPort.getLocalPort())),
                JoinToken.file(Path.of("/nonexistent/token")), "10.0.0.5", JoinRequest.DEFAULT_LISTEN_ADDR, hold), state);
    }

    private ActivateStep activate(Optional<String> recordProblem, long waitMillis) {
        return new ActivateStep(swarm, state, () -> recordProblem, Instant.now().plusMillis(waitMillis));
    }

    // ---- join

    @Test
    void joinRecordsItsHoldBeforeItJoinsAndTheNodeAfter() throws Exception {
        StepResult result = join(true).run(false);
        assertTrue(result.changed());
        assertEquals(List.of("join held"), swarm.calls);
        assertEquals(Hold.Holder.JOIN, seenBeforeChange.get(0).hold().by(), "the hold was written before the join");
        assertEquals(Optional.of("new1"), state.get().node());
    }

    @Test
    void aJoinWithoutHoldLeavesNoHoldBehind() throws Exception {
        state.update(s -> s.held(Hold.Holder.OPERATOR));
        join(false).run(false);
        assertEquals(List.of("join active"), swarm.calls);
        assertTrue(state.get().heldBy().isEmpty(), "a new node starts with no drain of anyone's");
    }

    @Test
    void anEngineAlreadyInTheSwarmKeepsItsNode() throws Exception {
        swarm.inSwarm("n1", SwarmNodeAvailability.ACTIVE);
        assertFalse(join(true).run(false).changed());
        assertEquals(List.of(), swarm.calls);
        assertEquals(Optional.of("n1"), state.get().node());
    }

    @Test
    void aNodeAManagerRemovedLeavesAndJoinsAfresh() throws Exception {
        swarm.inSwarm("n1", SwarmNodeAvailability.ACTIVE);
        swarm.nodes.remove("n1");
        assertTrue(join(true).run(false).changed());
        assertEquals(List.of("leave forced", "join held"), swarm.calls);
    }

    @Test
    void managersThatDoNotAnswerCannotTellARemovedNode() throws Exception {
        swarm.inSwarm("n1", SwarmNodeAvailability.ACTIVE);
        swarm.managersDown = true;
        assertFalse(join(true).run(false).changed());
        assertEquals(List.of(), swarm.calls, "no leave on a guess");
    }

    @Test
    void aLockedEngineIsRefusedAndAStuckOneLeavesFirst() throws Exception {
        swarm.localState = LocalNodeState.LOCKED;
        assertThrows(SwarmException.class, () -> join(true).run(false));
        swarm.localState = LocalNodeState.PENDING;
        join(true).run(false);
        assertEquals(List.of("leave forced", "join held"), swarm.calls);
    }

    // ---- activate

    private void heldNode(Hold.Holder by, String life) {
        swarm.inSwarm("n1", SwarmNodeAvailability.DRAIN);
        state.update(s -> new HostState(s.version(), s.life(), "n1", new Hold(by, life, "t"), null, List.of()));
    }

    @Test
    void ourJoinsHoldIsLiftedOnceTheRecordResolvesAndTheNodeIsReady() throws Exception {
        heldNode(Hold.Holder.JOIN, "life-2");
        assertTrue(activate(Optional.empty(), 1000).run(false).changed());
        assertEquals(SwarmNodeAvailability.ACTIVE, swarm.nodes.get("n1").getSpec().getAvailability());
        assertTrue(state.get().heldBy().isEmpty());
    }

    @Test
    void anEarlierLifesUnfinishedShutdownDrainIsLifted() throws Exception {
        heldNode(Hold.Holder.SHUTDOWN, "life-1");
        assertTrue(activate(Optional.empty(), 1000).run(false).changed());
        assertEquals(SwarmNodeAvailability.ACTIVE, swarm.nodes.get("n1").getSpec().getAvailability());
    }

    @Test
    void thisLifesShutdownAnOperatorAndAnUnknownDrainAreLeftAlone() throws Exception {
        for (Hold.Holder by : List.of(Hold.Holder.SHUTDOWN, Hold.Holder.OPERATOR)) {
            heldNode(by, "life-2");
            assertFalse(activate(Optional.empty(), 1000).run(false).changed(), by.spelling());
        }
        state.update(s -> s.released());
        assertFalse(activate(Optional.empty(), 1000).run(false).changed(), "no hold: someone else's");
        assertEquals(List.of(), swarm.calls);
        assertEquals(SwarmNodeAvailability.DRAIN, swarm.nodes.get("n1").getSpec().getAvailability());
    }

    @Test
    void aRecordThatDoesNotResolveKeepsTheNodeHeldAndSaysWhy() throws Exception {
        heldNode(Hold.Holder.JOIN, "life-2");
        SwarmException e = assertThrows(SwarmException.class,
                () -> activate(Optional.of("w1.zone. resolves to []"), 300).run(false));
        assertTrue(e.getMessage().contains("w1.zone. resolves to []") && e.transientFailure(), e.getMessage());
        swarm.nodes.get("n1").getStatus().withState(SwarmNodeState.DOWN);
        e = assertThrows(SwarmException.class, () -> activate(Optional.empty(), 300).run(false));
        assertTrue(e.getMessage().contains("is down, not ready"), e.getMessage());
        assertEquals(SwarmNodeAvailability.DRAIN, swarm.nodes.get("n1").getSpec().getAvailability());
    }

    // ---- drain and wait

    @Test
    void drainRecordsTheTasksAndItsHoldBeforeItDrains() throws Exception {
        swarm.inSwarm("n1", SwarmNodeAvailability.ACTIVE);
        swarm.tasks.add(FakeSwarm.task("t1", "web", 1, "n1"));
        swarm.tasks.add(FakeSwarm.task("t2", "web", 2, "n2"));
        swarm.tasks.add(FakeSwarm.task("t3", "agent", 0, "n1")); // a global task: slot 0, nothing to move
        assertTrue(new DrainStep(swarm, swarm, state, Hold.Holder.SHUTDOWN).run(false).changed());
        HostState before = seenBeforeChange.get(0);
        assertEquals(Hold.Holder.SHUTDOWN, before.hold().by(), "the hold was written before the drain");
        assertEquals(List.of(new MovingTask("web", 1, "t1")), before.moving());
        assertEquals(SwarmNodeAvailability.DRAIN, swarm.nodes.get("n1").getSpec().getAvailability());
    }

    @Test
    void aWedgedEngineDoesNotStopTheDrain() throws Exception {
        swarm.inSwarm("n1", SwarmNodeAvailability.ACTIVE);
        state.update(s -> s.withNode("n1"));
        swarm.engineDown = true;
        assertTrue(new DrainStep(swarm, swarm, state, Hold.Holder.SHUTDOWN).run(false).changed());
        assertEquals(List.of("update n1"), swarm.calls);
    }

    @Test
    void aRerunOfADrainedNodeKeepsWhatTheFirstRunFound() throws Exception {
        swarm.inSwarm("n1", SwarmNodeAvailability.DRAIN);
        state.update(s -> s.withMoving(List.of(new MovingTask("web", 3, "t9"))));
        assertFalse(new DrainStep(swarm, swarm, state, Hold.Holder.SHUTDOWN).run(false).changed());
        assertEquals(List.of(new MovingTask("web", 3, "t9")), state.get().moving());
    }

    @Test
    void theWaitEndsWhenEachTaskRunsElsewhereIsRemovedOrScaledAway() throws Exception {
        state.update(s -> s.withNode("n1").withMoving(List.of(new MovingTask("web", 1, "t1"),
                new MovingTask("gone", 1, "t2"), new MovingTask("small", 3, "t3"))));
        swarm.service("web", 2);
        swarm.service("small", 2); // scaled from 3 to 2: slot 3 is no longer wanted
        swarm.tasks.add(FakeSwarm.task("t1b", "web", 1, "n2"));
        assertEquals("3 task(s) run elsewhere", new WaitTasksStep(swarm, state, Instant.now().plusSeconds(2))
                .run(false).message());
    }

    @Test
    void aTaskThatRunsNowhereElseBeforeTheDeadlineIsNamed() throws Exception {
        state.update(s -> s.withNode("n1").withMoving(List.of(new MovingTask("web", 2, "t1"))));
        swarm.service("web", 2);
        swarm.tasks.add(FakeSwarm.task("t1", "web", 2, "n1")); // still only here
        swarm.tasks.add(FakeSwarm.task("t5", "web", 1, "n2")); // another slot elsewhere does not count
        SwarmException e = assertThrows(SwarmException.class,
                () -> new WaitTasksStep(swarm, state, Instant.now().plusMillis(300)).run(false));
        assertTrue(e.getMessage().contains("web.2"), e.getMessage());
    }

    // ---- labels, stale nodes, remove, leave

    @Test
    void labelsAreMergedOnceAndTheIdentityLabelIsAlwaysThere() throws Exception {
        swarm.inSwarm("n1", SwarmNodeAvailability.ACTIVE);
        state.update(s -> s.withNode("n1"));
        LabelStep labels = new LabelStep(swarm, state, Map.of("berth.pool", "blue"), "id-1");
        assertTrue(labels.run(false).changed());
        assertEquals(Map.of("berth.pool", "blue", "berth.identity", "id-1"), swarm.nodes.get("n1").getSpec().getLabels());
        assertFalse(labels.run(false).changed());
    }

    @Test
    void ourDownNodesAreRemovedByIdentityLabelOncePerNodeIdAndLiveOnesLeftAlone() throws Exception {
        swarm.inSwarm("n2", SwarmNodeAvailability.ACTIVE);
        state.update(s -> s.withNode("n2"));
        swarm.nodes.put("old", FakeSwarm.node("old", SwarmNodeAvailability.ACTIVE, SwarmNodeState.DOWN,
                Map.of("berth.identity", "id-1")));
        swarm.nodes.put("other", FakeSwarm.node("other", SwarmNodeAvailability.ACTIVE, SwarmNodeState.DOWN,
                Map.of("berth.identity", "id-9")));
        AtomicReference<String> scanned = new AtomicReference<>();
        StaleNodeStep stale = new StaleNodeStep(swarm, state, "id-1", scanned);
        assertTrue(stale.run(false).changed());
        assertFalse(stale.run(false).changed());
        assertEquals(List.of("nodes labelled berth.identity=id-1", "remove old"), swarm.calls,
                "one look for node n2, not one a pass; another identity's node untouched");
        assertTrue(swarm.nodes.containsKey("other"));
    }

    @Test
    void aNodeOfOursThatIsNotDownIsLeftAndLookedAtAgain() throws Exception {
        swarm.inSwarm("n2", SwarmNodeAvailability.ACTIVE);
        state.update(s -> s.withNode("n2"));
        swarm.nodes.put("twin", FakeSwarm.node("twin", SwarmNodeAvailability.ACTIVE, SwarmNodeState.READY,
                Map.of("berth.identity", "id-1")));
        StaleNodeStep stale = new StaleNodeStep(swarm, state, "id-1", new AtomicReference<>());
        assertFalse(stale.run(false).changed());
        stale.run(false);
        assertEquals(2, swarm.calls.size(), "a live twin may be Down later: looked at on every pass");
    }

    @Test
    void removeIsForcedOnlyWhileTheNodeIsNotYetDown() throws Exception {
        state.update(s -> s.withNode("n1"));
        swarm.nodes.put("n1", FakeSwarm.node("n1", SwarmNodeAvailability.DRAIN, SwarmNodeState.READY, Map.of()));
        new RemoveNodeStep(swarm, state).run(false);
        swarm.nodes.put("n1", FakeSwarm.node("n1", SwarmNodeAvailability.DRAIN, SwarmNodeState.DOWN, Map.of()));
        new RemoveNodeStep(swarm, state).run(false);
        assertFalse(new RemoveNodeStep(swarm, state).run(false).changed());
        assertEquals(List.of("remove n1 forced", "remove n1"), swarm.calls);
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        swarm.inSwarm("n1", SwarmNodeAvailability.ACTIVE);
        swarm.tasks.add(FakeSwarm.task("t1", "web", 1, "n1"));
        assertTrue(new DrainStep(swarm, swarm, state, Hold.Holder.SHUTDOWN).run(true).changed());
        assertTrue(new LeaveStep(swarm, state, false).run(true).changed());
        assertEquals(List.of(), swarm.calls);
        assertEquals(List.of(), state.get().moving());
    }
}
