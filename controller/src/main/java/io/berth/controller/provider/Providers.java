package io.berth.controller.provider;

import io.berth.config.BerthConfig;
import io.berth.controller.provider.lab.LabProvider;
import io.berth.controller.provider.lab.LabScript;
import io.berth.controller.provider.vsphere.VsphereProvider;

/** The provider berth.yml names. */
public final class Providers {

    private Providers() {
    }

    public static Provider open(BerthConfig config) {
        return switch (config.provider()) {
            case BerthConfig.Lab lab -> LabProvider.open(lab.name(), lab.agent().orElseGet(LabScript::bundledAgent));
            case BerthConfig.Vsphere vsphere ->
                    VsphereProvider.open(config, vsphere, vsphere.parallelism());
        };
    }

}
