package io.berth.agent.lifecycle;

import io.berth.agent.step.StepsRunner;
import io.berth.agent.dns.DeregisterStep;
import io.berth.agent.dns.RecordStep;
import io.berth.agent.retry.Deadline;
import io.berth.agent.state.Hold;
import io.berth.agent.state.StateStore;
import io.berth.agent.swarm.ActivateStep;
import io.berth.agent.swarm.DrainStep;
import io.berth.agent.swarm.JoinRequest;
import io.berth.agent.swarm.JoinStep;
import io.berth.agent.swarm.JoinToken;
import io.berth.agent.swarm.LabelStep;
import io.berth.agent.swarm.LeaveStep;
import io.berth.agent.swarm.RemoveNodeStep;
import io.berth.agent.swarm.StaleNodeStep;
import io.berth.agent.swarm.WaitTasksStep;
import io.berth.config.AgentConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The steps of boot (also every pass of the run daemon) and of shutdown, in order, with what each needs. */
public final class Plans {

    private Plans() {
    }

    /** A thorough boot ({@link #boot(Session, boolean, Instant, boolean)}): what {@code boot} runs. */
    public static List<StepsRunner.Planned> boot(Session s, boolean takeOver, Instant readyUntil) {
        return boot(s, takeOver, readyUntil, true);
    }

    /**
     * Boot: activation needs the record and the labels (the identity label) in place. {@code thorough} false (a
     * quick pass of the run daemon) lets the record step settle for the nameserver's answer when it is exactly
     * right, without reading the API; a thorough pass reads the RRsets and checks their mark.
     */
    public static List<StepsRunner.Planned> boot(Session s, boolean takeOver, Instant readyUntil, boolean thorough) {
        AgentConfig.Swarm swarm = s.config().swarm();
        AgentConfig.Dns dns = s.config().dns();
        Host host = s.host();
        StateStore state = s.state();
        return List.of(
                StepsRunner.Planned.of(new RecordStep(s.dns(), thorough ? Optional.empty() : Optional.of(s.nameserver()),
                        dns.zone(), dns.reverseZone(), host.fqdn(), host.address(), dns.ttl(), s.mark(), takeOver)),
                StepsRunner.Planned.of(new JoinStep(s.engine(), s.managers(), new JoinRequest(swarm.joinAddrs(),
                        JoinToken.file(swarm.joinTokenFile()), host.address(), JoinRequest.DEFAULT_LISTEN_ADDR,
                        swarm.activateWhenReady()), state)),
                StepsRunner.Planned.of(new LabelStep(s.managers(), state, swarm.labels(), host.identity()), "join"),
                StepsRunner.Planned.of(new StaleNodeStep(s.managers(), state, host.identity(), s.staleScannedFor()), "join", "labels"),
                StepsRunner.Planned.of(new ActivateStep(s.managers(), state, s::recordNotResolving, readyUntil),
                        "record", "join", "labels"));
    }

    /**
     * Shutdown: every step runs even when one fails, so a host going away leaves as little behind as it can. Each
     * step is retried within its window of the budget: drain and the wait until the reserve, then leave, remove
     * and deregister each end a share of the reserve before the end, so a stalled one leaves the next their time.
     * The leave gets most of it: a worker whose manager stalls needs about 2.5 s to leave (its engine closes the
     * session), while remove and deregister are one call each.
     */
    public static List<StepsRunner.Planned> shutdown(Session s, boolean force, Deadline budget) {
        AgentConfig.Dns dns = s.config().dns();
        StateStore state = s.state();
        return List.of(
                StepsRunner.Planned.of(new DrainStep(s.engine(), s.managers(), state, Hold.Holder.SHUTDOWN))
                        .within(budget.forWaiting()),
                StepsRunner.Planned.of(new WaitTasksStep(s.managers(), state, budget.forWaiting()), "drain")
                        .within(budget.forWaiting()),
                StepsRunner.Planned.of(new LeaveStep(s.engine(), state, force)).within(budget.lessReserve(0.3)),
                StepsRunner.Planned.of(new RemoveNodeStep(s.managers(), state)).within(budget.lessReserve(0.15)),
                StepsRunner.Planned.of(new DeregisterStep(s.dns(), dns.zone(), dns.reverseZone(), s.host().fqdn(),
                        s.mark(), Optional.of(s.host().address()))).within(budget.end()));
    }
}
