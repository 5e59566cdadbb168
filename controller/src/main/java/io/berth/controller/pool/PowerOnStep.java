package io.berth.controller.pool;

import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import io.berth.controller.provider.Vm;
import java.time.Duration;

/** Powers the VM on unless it runs: its agent then boots, registers its record and joins on its own. */
final class PowerOnStep implements Step {

    static final Duration BOUND = Duration.ofMinutes(2);

    private final Fleet fleet;
    private final VmWork work;

    PowerOnStep(Fleet fleet, VmWork work) {
        this.fleet = fleet;
        this.work = work;
    }

    @Override
    public String name() {
        return "power-on";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        if (work.vm != null && work.vm.state() == Vm.State.ON) {
            return StepResult.unchanged("powered on", "on");
        }
        if (dryRun) {
            return StepResult.changed("would be powered on", "off", "on");
        }
        work.vm = PoolView.await(fleet.provider().powerOn(work.vm), BOUND);
        return StepResult.changed("powered on", "off", "on");
    }
}
