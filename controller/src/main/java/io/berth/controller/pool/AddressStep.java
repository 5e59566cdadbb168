package io.berth.controller.pool;

import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import java.time.Duration;

/** Waits until the VM has an address (on vCenter: until VMware Tools reports it). */
final class AddressStep implements Step {

    static final Duration BOUND = Duration.ofMinutes(3);

    private final Fleet fleet;
    private final VmWork work;

    AddressStep(Fleet fleet, VmWork work) {
        this.fleet = fleet;
        this.work = work;
    }

    @Override
    public String name() {
        return "address";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        if (dryRun && work.vm == null) {
            return StepResult.changed("would be waited for", null, null);
        }
        if (work.vm != null && work.vm.address().isPresent()) {
            work.address = work.vm.address().get();   // the provider said so with the VM: nothing to wait for
            return StepResult.unchanged(work.address, work.address);
        }
        work.address = PoolView.await(fleet.provider().awaitAddress(work.vm, BOUND), BOUND.plusSeconds(5));
        return StepResult.unchanged(work.address, work.address);
    }
}
