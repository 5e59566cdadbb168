package io.berth.agent.run;

import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.http.AgentApi.ActionResult;
import io.berth.agent.lifecycle.Session;
import io.berth.agent.state.ActionLock;
import io.berth.agent.state.Hold;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The API's drain and activate: each after any pass in flight (the session lock) and under the file lock, as passes
 * and shutdown write the state. A drain made here is recorded as the operator's; activate is refused once a shutdown
 * has begun.
 */
final class ApiActions {

    private final Path stateDir;
    private final SessionLock work;
    private final Readiness readiness;
    private final ShutdownWatch shutdown;

    ApiActions(Path stateDir, SessionLock work, Readiness readiness, ShutdownWatch shutdown) {
        this.stateDir = stateDir;
        this.work = work;
        this.readiness = readiness;
        this.shutdown = shutdown;
    }

    ActionResult drain() throws Exception {
        return act(session -> {
            String nodeId = nodeId(session);
            session.state().update(st -> st.held(Hold.Holder.OPERATOR)); // before the drain it stands for
            session.managers().setAvailability(nodeId, SwarmNodeAvailability.DRAIN);
            readiness.observe(session);
            return new ActionResult(true, "drained node " + nodeId + " (an operator's drain: left in place)", false);
        });
    }

    ActionResult activate() throws Exception {
        if (shutdown.requested()) {
            return new ActionResult(false, "a shutdown is in progress: not activating", true);
        }
        return act(session -> {
            String nodeId = nodeId(session);
            session.managers().setAvailability(nodeId, SwarmNodeAvailability.ACTIVE);
            session.state().update(st -> st.released());
            readiness.observe(session);
            return new ActionResult(true, "activated node " + nodeId, false);
        });
    }

    private interface Action {
        ActionResult run(Session session) throws Exception;
    }

    private ActionResult act(Action action) throws Exception {
        if (!work.tryLock(ReconcileLoop.READY_WAIT.toSeconds() + 5)) {
            return new ActionResult(false, "busy: a reconcile pass did not finish in time", true);
        }
        Session session = work.session();
        if (session == null) {
            work.unlock();
            return new ActionResult(false, "not booted yet: no node to act on", true);
        }
        try (ActionLock lock = ActionLock.take(stateDir, "api", Instant.now().plusSeconds(5))) {
            session.refresh();
            return action.run(session);
        } finally {
            work.unlock();
        }
    }

    private static String nodeId(Session session) {
        return session.state().get().node().orElseThrow(() -> new IllegalStateException("this host has no node"));
    }
}
