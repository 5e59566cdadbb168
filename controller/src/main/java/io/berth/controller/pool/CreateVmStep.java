package io.berth.controller.pool;

import io.berth.agent.step.Step;
import io.berth.agent.step.StepResult;
import io.berth.config.Bundle;
import io.berth.config.BundleGuestinfo;
import io.berth.config.BerthConfig;
import io.berth.controller.provider.Vm;
import io.berth.controller.provider.VmLayout;
import io.berth.controller.provider.VmSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Clones the VM with its agent's bundle (config and secrets, and its id as the agent's identity), unless the
 * provider has it already. A VM an interrupted create left half made is finished, under the id it was given.
 */
final class CreateVmStep implements Step {

    static final Duration BOUND = Duration.ofMinutes(5);

    private final Fleet fleet;
    private final BerthConfig.Pool pool;
    private final VmWork work;

    CreateVmStep(Fleet fleet, BerthConfig.Pool pool, VmWork work) {
        this.fleet = fleet;
        this.pool = pool;
        this.work = work;
    }

    @Override
    public String name() {
        return "create";
    }

    @Override
    public StepResult run(boolean dryRun) throws Exception {
        Vm vm = work.vm;
        if (vm != null && vm.state() != Vm.State.CREATING) {
            return StepResult.unchanged("exists (" + vm.state().name().toLowerCase(java.util.Locale.ROOT) + ")",
                    vm.id());
        }
        String what = vm == null ? "created" : "finished its creation";
        if (dryRun) {
            return StepResult.changed("would be " + what, null, work.id);
        }
        work.vm = PoolView.await(fleet.provider().create(spec()), BOUND);
        work.id = work.vm.id();   // the provider's: vCenter assigns a VM's BIOS UUID, and so its agent's identity
        return StepResult.changed(what, null, work.id);
    }

    private VmSpec spec() {
        VmLayout layout = fleet.provider().layout(work.name);
        Bundle bundle = fleet.config().agent().bundle(work.name, pool.labels(), layout.root(), layout.engine());
        List<VmSpec.VmFile> files = new ArrayList<>();
        for (Bundle.BundleFile file : bundle.files()) {
            files.add(new VmSpec.VmFile(file.path(), file.content().getBytes(StandardCharsets.UTF_8), file.secret()));
        }
        // Where the agent keeps its identity when the VM has no SMBIOS UUID (the lab's): the VM's id.
        files.add(new VmSpec.VmFile(bundle.config().stateDir().resolve("identity"),
                (work.id + "\n").getBytes(StandardCharsets.UTF_8), false));
        return new VmSpec(work.name, pool.name(), work.id, files, bundle.configFile(),
                BundleGuestinfo.render(bundle, BundleGuestinfo.Encoding.GZIP_BASE64));
    }
}
