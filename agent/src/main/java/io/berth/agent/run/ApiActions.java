package io.berth.agent.run;

import com.github.dockerjava.api.model.SwarmNodeAvailability;
import io.berth.agent.http.AgentApi.ActionResult;
import io.berth.agent.lifecycle.Session;
import io.berth.agent.state.ActionLock;
import io.berth.agent.step.StepResult;
import io.berth.agent.swarm.AvailabilityStep;
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
        return act(SwarmNodeAvailability.DRAIN);
    }

    ActionResult activate() throws Exception {
        if (shutdown.requested()) {
            return new ActionResult(false, "a shutdown is in progress: not activating", true);
        }
        return act(SwarmNodeAvailability.ACTIVE);
    }

    private ActionResult act(SwarmNodeAvailability wanted) throws Exception {
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
            StepResult result = AvailabilityStep.ofThisHost(session.managers(), session.state(), wanted).run(false);
            readiness.observe(session);
            return new ActionResult(result.changed(), result.message(), false);
        } finally {
            work.unlock();
        }
    }
}
