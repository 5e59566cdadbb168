package io.berth.controller.inventory;

import io.berth.agent.log.Log;
import io.berth.config.AgentConfig;
import io.berth.controller.cli.ConfigOption;
import io.berth.controller.cli.Output;
import io.berth.controller.pool.Fleet;
import io.berth.controller.pool.PoolView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code berth inventory}: Ansible's dynamic inventory script protocol. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = {
            "Ansible dynamic inventory (the script protocol): the pools' VMs as hosts, read anew from the provider "
                    + "and the Swarm on every call. A group per pool, and the group " + InventoryCommand.ALL
                    + " with every pool as a child.",
            "",
            "Host variables (in _meta.hostvars, so Ansible needs no --host call): ansible_host (the VM's address, "
                    + "when it has one), berth_pool, berth_identity (the VM's id, the agent's identity), "
                    + "berth_vm_state, berth_node_id, berth_node_state, berth_availability (when it is a node), "
                    + "berth_agent_api (the agent's HTTP API as berth.yml's agent.api.listen has it: a wildcard "
                    + "listen is shown at the VM's address, a loopback one is reached on the host itself).",
            "",
            "An executable file in an inventory directory that runs it is all Ansible needs:",
            "  #!/bin/sh",
            "  exec berth inventory --config /etc/berth/berth.yml \"$@\"",
            "Then: ansible-inventory -i that-file --list; ansible blue -i that-file -m ping."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed (--host of an unknown host prints {}, as the protocol asks)",
            "1:the provider or the Swarm could not be read", "2:bad usage or config"})
public final class InventoryCommand implements Callable<Integer> {

    /** The group of every pool's hosts; a pool name has no underscore, so no pool can take it. */
    static final String ALL = "berth_pools";

    @Mixin
    ConfigOption config;

    @ArgGroup(multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--list", required = true, description = "Every group and host, with all host variables.")
        boolean list;

        @Option(names = "--host", paramLabel = "HOST", required = true, description = "One host's variables.")
        String host;
    }

    @Override
    public Integer call() throws Exception {
        try (Fleet fleet = Fleet.open(config.load())) {
            Map<String, Object> inventory = inventory(PoolView.readAll(fleet),
                    fleet.config().agent().section().api().listen());
            if (mode.list) {
                Output.printJson(inventory);
                return 0;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> hostvars = (Map<String, Object>) ((Map<String, Object>) inventory.get("_meta"))
                    .get("hostvars");
            Object vars = hostvars.get(mode.host);
            if (vars == null) {
                Log.warn("no such host: " + mode.host);
            }
            Output.printJson(vars == null ? Map.of() : vars);
            return 0;
        }
    }

    /** The {@code --list} document: groups, then {@code _meta.hostvars}. Members without a VM are not hosts. */
    static Map<String, Object> inventory(List<PoolView> pools, AgentConfig.HostPort agentListen) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> hostvars = new LinkedHashMap<>();
        List<String> children = new ArrayList<>();
        for (PoolView pool : pools) {
            List<String> hosts = new ArrayList<>();
            for (PoolView.Member m : pool.members()) {
                if (m.vm() == null) {
                    continue;   // a node or record whose VM is gone: nothing to run a play on (berth gc)
                }
                hosts.add(m.name());
                hostvars.put(m.name(), hostvars(pool.pool(), m, agentListen));
            }
            children.add(pool.pool());
            out.put(pool.pool(), Map.of("hosts", hosts));
        }
        out.put(ALL, Map.of("children", children));
        out.put("_meta", Map.of("hostvars", hostvars));
        return out;
    }

    private static Map<String, Object> hostvars(String pool, PoolView.Member m, AgentConfig.HostPort listen) {
        Map<String, Object> vars = new LinkedHashMap<>();
        if (m.address() != null) {
            vars.put("ansible_host", m.address());
        }
        vars.put("berth_pool", pool);
        vars.put("berth_identity", m.vmId());
        vars.put("berth_vm_state", m.vm());
        if (m.nodeId() != null) {
            vars.put("berth_node_id", m.nodeId());
            vars.put("berth_node_state", m.nodeState());
            vars.put("berth_availability", m.availability());
        }
        boolean wildcard = listen.host().equals("0.0.0.0") || listen.host().equals("::");
        if (!wildcard || m.address() != null) {
            vars.put("berth_agent_api", "http://" + (wildcard ? new AgentConfig.HostPort(m.address(), listen.port())
                    : listen));
        }
        return vars;
    }
}
