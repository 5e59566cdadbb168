package io.berth.controller.provider;

import io.berth.config.BerthConfig;
import io.berth.config.BerthConfig.ProviderSettings;
import io.berth.controller.cli.UsageException;
import io.berth.controller.provider.lab.LabProvider;
import io.berth.controller.provider.lab.LabScript;

/** The provider berth.yml names. */
public final class Providers {

    private Providers() {
    }

    public static Provider open(ProviderSettings settings) {
        return switch (settings) {
            case BerthConfig.Lab lab -> LabProvider.open(lab.name(), lab.agent().orElseGet(LabScript::bundledAgent));
            case BerthConfig.Vsphere vsphere ->
                    throw new UsageException("provider.vsphere: not implemented yet: use provider.lab for now");
        };
    }

}
