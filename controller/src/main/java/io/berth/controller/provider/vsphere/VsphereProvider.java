package io.berth.controller.provider.vsphere;

import io.berth.config.BerthConfig;
import io.berth.config.SmbiosUuid;
import io.berth.controller.provider.Provider;
import io.berth.controller.provider.ProviderException;
import io.berth.controller.provider.ProviderException.Kind;
import io.berth.controller.provider.ProviderTasks;
import io.berth.controller.provider.Vm;
import io.berth.controller.provider.VmLayout;
import io.berth.controller.provider.VmSpec;
import io.berth.controller.provider.vsphere.Vim.MoRef;
import io.berth.controller.provider.vsphere.Vim.VimFault;
import io.berth.controller.provider.vsphere.Vim.Xml;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.w3c.dom.Element;

/**
 * VMs on vCenter, through vim25: each VM is a clone of its pool's template (linked from the template's current
 * snapshot, or full), in its pool's folder, carrying its agent's bundle as guestinfo and the marker
 * {@code berth.pool} in its extraConfig — membership is that marker, never the name. A VM's id is its agent's
 * identity, the SMBIOS form of its BIOS UUID ({@link SmbiosUuid}), which vCenter assigns.
 */
public final class VsphereProvider implements Provider {

    /** The extraConfig key that says which pool a VM belongs to (not guestinfo: the guest has no need of it). */
    public static final String POOL_KEY = "berth.pool";

    /** What one vim25 call may take. */
    static final Duration CALL = Duration.ofSeconds(30);
    static final Duration CLONE = Duration.ofMinutes(10);
    static final Duration POWER = Duration.ofMinutes(2);
    private static final List<String> VM_PROPERTIES = List.of("name", "config.uuid", "config.extraConfig",
            "runtime.powerState", "guest.ipAddress", "parent");

    private final BerthConfig.Vsphere settings;
    private final Map<String, BerthConfig.VsphereVm> pools;
    private final Vcenter vcenter;
    private final ProviderTasks tasks;
    private final Map<String, MoRef> byId = new ConcurrentHashMap<>();
    /** Folders, templates, pools and datastores by inventory path: looked up once per command, not once per VM. */
    private final Map<String, MoRef> paths = new ConcurrentHashMap<>();
    /** The clone tasks this berth started: only another's are waited out before a clone. */
    private final Set<String> ownTasks = ConcurrentHashMap.newKeySet();

    private VsphereProvider(BerthConfig.Vsphere settings, Map<String, BerthConfig.VsphereVm> pools, int parallelism) {
        this.settings = settings;
        this.pools = pools;
        this.vcenter = new Vcenter(new Vim(settings.url(), settings.insecure(), CALL), settings.user(),
                settings.passwordFile());
        this.tasks = new ProviderTasks("vsphere", parallelism, describe(), VsphereProvider::translate);
    }

    /** The vCenter of {@code config.provider()}; each pool's {@code vsphere} settings say where its VMs go. */
    public static VsphereProvider open(BerthConfig config, BerthConfig.Vsphere settings, int parallelism) {
        if (parallelism < 1) {
            throw new ProviderException(Kind.INVALID, null, "parallelism must be at least 1, not " + parallelism);
        }
        Map<String, BerthConfig.VsphereVm> pools = new LinkedHashMap<>();
        config.pools().forEach(p -> p.vsphere().ifPresent(v -> pools.put(p.name(), v)));
        return new VsphereProvider(settings, pools, parallelism);
    }

    @Override
    public String describe() {
        return "vsphere " + settings.url().getHost();
    }

    /** A VM of its own: its files at {@code /}, the default engine. */
    @Override
    public VmLayout layout(String name) {
        return new VmLayout(Path.of("/"), Optional.empty());
    }

    /**
     * The VMs that carry a pool's marker and sit in that pool's folder (a VM moved out of it by hand is no longer
     * the pool's; a pool berth.yml does not declare is known by its marker alone).
     */
    @Override
    public CompletableFuture<List<Vm>> list(Optional<String> pool) {
        return task(null, () -> {
            Map<String, MoRef> folders = new LinkedHashMap<>();
            for (Map.Entry<String, BerthConfig.VsphereVm> p : pools.entrySet()) {
                folders.put(p.getKey(), path(p.getValue().folder().orElse(null), "vm", "folder"));
            }
            List<Vm> vms = new ArrayList<>();
            for (Vcenter.Props props : vcenter.vmsUnder(vmFolder(), VM_PROPERTIES)) {
                Optional<Vm> vm = vmOf(props);
                if (vm.isEmpty() || pool.filter(want -> !want.equals(vm.get().pool())).isPresent()) {
                    continue;
                }
                MoRef folder = folders.get(vm.get().pool());
                Optional<String> parent = props.text("parent");
                if (folder == null || parent.filter(folder.value()::equals).isPresent()) {
                    vms.add(vm.get());
                }
            }
            return vms;
        });
    }

    /**
     * Clones {@code spec.name()} into its pool's folder, powered off. A VM of that name there already is this one
     * when it carries this pool's marker (a create that was interrupted after its clone, found again rather than
     * cloned twice), else a CONFLICT.
     */
    @Override
    public CompletableFuture<Vm> create(VmSpec spec) {
        return task(spec.name(), () -> {
            BerthConfig.VsphereVm where = settingsOf(spec);
            MoRef folder = path(where.folder().orElse(null), "vm", "folder");
            MoRef template = path(where.template(), "vm", "template");
            Optional<MoRef> existing = vcenter.findChild(folder, spec.name());
            if (existing.isEmpty()) {
                // A berth that died may have left a clone running (its VM appears when it ends): wait it out, look again.
                for (MoRef other : vcenter.clonesInFlight(template)) {
                    if (!ownTasks.contains(other.value())) {
                        awaitQuietly(other);
                    }
                }
                existing = vcenter.findChild(folder, spec.name());
            }
            if (existing.isPresent()) {
                Vm found = vm(existing.get()).orElseThrow(() -> new ProviderException(Kind.CONFLICT, spec.name(),
                        "a VM of that name is in " + folderName(where) + " that is no pool's"));
                if (!found.pool().equals(spec.pool())) {
                    throw new ProviderException(Kind.CONFLICT, spec.name(), "exists in pool " + found.pool());
                }
                network(existing.get(), where);   // a create that died after its clone may not have done this
                return found;
            }
            MoRef task = vcenter.task("CloneVM_Task", template, folder.xml("folder") + Xml.el("name", spec.name())
                    + cloneSpec(spec, where, template));
            ownTasks.add(task.value());
            MoRef clone = vcenter.await(task, CLONE).map(MoRef::of)
                    .orElseThrow(() -> new IOException("CloneVM_Task: no VM returned"));
            network(clone, where);
            return vm(clone).orElseThrow(() -> new IOException("the clone carries no pool marker"));
        });
    }

    @Override
    public CompletableFuture<Vm> powerOn(Vm vm) {
        return task(vm.name(), () -> {
            MoRef ref = ref(vm);
            if (state(ref) != Vm.State.ON) {
                vcenter.await(vcenter.task("PowerOnVM_Task", ref, ""), POWER);
            }
            return vm(ref).orElseThrow();
        });
    }

    /** Waits for VMware Tools to report {@code guest.ipAddress}: "waiting for IP", as Cluster API says it. */
    @Override
    public CompletableFuture<String> awaitAddress(Vm vm, Duration within) {
        return task(vm.name(), () -> vcenter.until(ref(vm), List.of("guest.ipAddress"),
                        p -> p.text("guest.ipAddress").isPresent(), within)
                .flatMap(p -> p.text("guest.ipAddress"))
                .orElseThrow(() -> new ProviderException(Kind.TIMEOUT, vm.name(), "waiting for IP: VMware Tools "
                        + "reported no address within " + within.toSeconds() + " s")));
    }

    /**
     * ShutdownGuest (VMware Tools asks the guest: LinuxKit runs its onshutdown entries, the agent drains and
     * leaves), then waits until it is off; past {@code within} it is powered off and the task fails saying so.
     */
    @Override
    public CompletableFuture<Vm> guestShutdown(Vm vm, Duration within) {
        return task(vm.name(), () -> {
            MoRef ref = ref(vm);
            if (state(ref) == Vm.State.ON) {
                vcenter.call("ShutdownGuest", ref, "");
                boolean off = vcenter.until(ref, List.of("runtime.powerState"),
                        p -> !p.text("runtime.powerState").filter("poweredOn"::equals).isPresent(), within).isPresent();
                if (!off) {
                    vcenter.await(vcenter.task("PowerOffVM_Task", ref, ""), POWER);
                    throw new ProviderException(Kind.FAILED, vm.name(), "the guest did not shut down within "
                            + within.toSeconds() + " s: powered off");
                }
            }
            return vm(ref).orElseThrow();
        });
    }

    @Override
    public CompletableFuture<Vm> powerOff(Vm vm) {
        return task(vm.name(), () -> {
            MoRef ref = ref(vm);
            if (state(ref) == Vm.State.ON) {
                vcenter.await(vcenter.task("PowerOffVM_Task", ref, ""), POWER);
            }
            return vm(ref).orElseThrow();
        });
    }

    /** Powers off if need be (Destroy_Task refuses a running VM), then destroys; a VM that is gone is fine. */
    @Override
    public CompletableFuture<Void> destroy(Vm vm) {
        return task(vm.name(), () -> {
            Optional<MoRef> ref = find(vm);
            if (ref.isPresent()) {
                if (state(ref.get()) == Vm.State.ON) {
                    vcenter.await(vcenter.task("PowerOffVM_Task", ref.get(), ""), POWER);
                }
                vcenter.await(vcenter.task("Destroy_Task", ref.get(), ""), POWER);
                byId.remove(vm.id());
            }
            return null;
        });
    }

    @Override
    public void close() {
        tasks.close();
        vcenter.close();
    }

    // ------------------------------------------------------------------ internals

    /**
     * The clone spec, in the WSDL's element order: location (datastore, linked-clone disk backing, resource pool),
     * not a template, config (the marker, the pool's extraConfig, the bundle as guestinfo), powered off, and for a
     * linked clone the template's current snapshot.
     */
    private String cloneSpec(VmSpec spec, BerthConfig.VsphereVm where, MoRef template)
            throws VimFault, IOException, InterruptedException {
        StringBuilder s = new StringBuilder("<spec><location>");
        if (where.datastore().isPresent()) {
            s.append(path("/" + settings.datacenter() + "/datastore/" + where.datastore().get(), "datastore",
                    "datastore").xml("datastore"));
        }
        if (where.linkedClone()) {
            s.append(Xml.el("diskMoveType", "createNewChildDiskBacking"));
        }
        s.append(resourcePool(where, template).xml("pool"));
        s.append("</location><template>false</template><config>");
        Map<String, String> extra = new LinkedHashMap<>(where.extraConfig());
        extra.putAll(spec.guestinfo());
        extra.put(POOL_KEY, spec.pool());
        extra.forEach((k, v) -> s.append("<extraConfig xsi:type=\"OptionValue\">").append(Xml.el("key", k))
                .append("<value xsi:type=\"xsd:string\">").append(Xml.escape(v)).append("</value></extraConfig>"));
        s.append("</config><powerOn>false</powerOn>");
        if (where.linkedClone()) {
            MoRef snapshot = vcenter.properties(List.of(template), "VirtualMachine", List.of("snapshot.currentSnapshot"))
                    .stream().findFirst().flatMap(p -> Optional.ofNullable(p.values().get("snapshot.currentSnapshot")))
                    .map(MoRef::of).orElseThrow(() -> new ProviderException(Kind.INVALID, spec.name(),
                            "linkedClone: template " + where.template() + " has no snapshot to clone from"));
            s.append(snapshot.xml("snapshot"));
        }
        return s.append("</spec>").toString();
    }

    /**
     * Puts the clone's first network card on the pool's {@code network} (a standard port group), unless it is
     * there: a ReconfigVM_Task that edits the card as the clone has it, its backing replaced. Done after the clone
     * rather than in its spec, so that a rerun finishes it and vcsim (which ignores a clone spec's deviceChange)
     * proves it.
     */
    private void network(MoRef vm, BerthConfig.VsphereVm where) throws VimFault, IOException, InterruptedException {
        if (where.network().isEmpty()) {
            return;
        }
        MoRef network = path(where.network().get(), "network", "network");
        if (!network.type().equals("Network")) {
            throw new ProviderException(Kind.INVALID, null, "vsphere.network: " + where.network().get() + " is a "
                    + network.type() + ": only standard port groups are supported yet");
        }
        Element devices = vcenter.properties(List.of(vm), "VirtualMachine", List.of("config.hardware.device"))
                .stream().findFirst().map(p -> p.values().get("config.hardware.device")).orElse(null);
        Element card = devices == null ? null : Xml.children(devices).stream()
                .filter(d -> Xml.child(d, "macAddress").isPresent()).findFirst().orElse(null);
        if (card == null) {
            throw new ProviderException(Kind.INVALID, null, "vsphere.network: template " + where.template()
                    + " has no network card");
        }
        boolean there = Xml.child(card, "backing").flatMap(b -> Xml.child(b, "network")).map(MoRef::of)
                .filter(network::equals).isPresent();
        if (!there) {
            vcenter.await(vcenter.task("ReconfigVM_Task", vm, "<spec><deviceChange><operation>edit</operation>"
                    + Vim.Xml.withBacking(card, "device", "<backing xsi:type=\"VirtualEthernetCardNetworkBackingInfo\">"
                    + Xml.el("deviceName", where.network().get()) + network.xml("network") + "</backing>")
                    + "</deviceChange></spec>"), POWER);
        }
    }

    /** The pool's resource pool, or the template's own (a VM marked as template has none: then it is required). */
    private MoRef resourcePool(BerthConfig.VsphereVm where, MoRef template)
            throws VimFault, IOException, InterruptedException {
        if (where.resourcePool().isPresent()) {
            return path(where.resourcePool().get(), "host", "resourcePool");
        }
        return vcenter.properties(List.of(template), "VirtualMachine", List.of("resourcePool")).stream().findFirst()
                .flatMap(p -> Optional.ofNullable(p.values().get("resourcePool"))).map(MoRef::of)
                .orElseThrow(() -> new ProviderException(Kind.INVALID, null, "vsphere.resourcePool: required: "
                        + "template " + where.template() + " has no resource pool of its own"));
    }

    /** Waits for another berth's task to end; how it ended is that berth's news, not ours. */
    private void awaitQuietly(MoRef task) throws IOException, InterruptedException {
        try {
            vcenter.await(task, CLONE);
        } catch (VimFault ignored) {
            // Its VM is there or not: the lookup that follows decides.
        }
    }

    private BerthConfig.VsphereVm settingsOf(VmSpec spec) {
        BerthConfig.VsphereVm where = pools.get(spec.pool());
        if (where == null) {
            throw new ProviderException(Kind.INVALID, spec.name(), "pools." + spec.pool()
                    + ".vsphere: required with provider.vsphere (its template at least)");
        }
        return where;
    }

    private String folderName(BerthConfig.VsphereVm where) {
        return where.folder().orElse("/" + settings.datacenter() + "/vm");
    }

    /**
     * An inventory path berth.yml gives: absolute ({@code /DC0/vm/workers}) or under the datacenter's {@code kind}
     * folder ({@code workers} → {@code /DC0/vm/workers}); null is that folder itself. Not found is INVALID, naming
     * the field.
     */
    private MoRef path(String given, String kind, String field) throws VimFault, IOException, InterruptedException {
        String full = given == null ? "/" + settings.datacenter() + "/" + kind
                : given.startsWith("/") ? given : "/" + settings.datacenter() + "/" + kind + "/" + given;
        MoRef known = paths.get(full);
        if (known != null) {
            return known;
        }
        MoRef found = vcenter.findByInventoryPath(full).orElseThrow(() -> new ProviderException(Kind.INVALID, null,
                "vsphere." + field + ": " + full + " not found in vCenter"));
        paths.put(full, found);
        return found;
    }

    private MoRef vmFolder() throws VimFault, IOException, InterruptedException {
        return path(null, "vm", "datacenter");
    }

    private MoRef ref(Vm vm) throws VimFault, IOException, InterruptedException {
        return find(vm).orElseThrow(() -> new ProviderException(Kind.NOT_FOUND, vm.name(), "no such VM"));
    }

    /** The VM of {@code vm.id()}: known from a list or create, else found by its BIOS UUID. */
    private Optional<MoRef> find(Vm vm) throws VimFault, IOException, InterruptedException {
        MoRef known = byId.get(vm.id());
        if (known != null) {
            return Optional.of(known);
        }
        MoRef datacenter = path("/" + settings.datacenter(), "", "datacenter");
        return vcenter.findVmByUuid(datacenter, SmbiosUuid.biosUuidOf(vm.id()));
    }

    private Vcenter.Props props(MoRef vm) throws VimFault, IOException, InterruptedException {
        return vcenter.properties(List.of(vm), "VirtualMachine", VM_PROPERTIES).stream().findFirst()
                .orElseThrow(() -> new IOException("VM " + vm.value() + " is gone"));
    }

    private Vm.State state(MoRef vm) throws VimFault, IOException, InterruptedException {
        return props(vm).text("runtime.powerState").filter("poweredOn"::equals).isPresent() ? Vm.State.ON : Vm.State.OFF;
    }

    private Optional<Vm> vm(MoRef ref) throws VimFault, IOException, InterruptedException {
        return vmOf(props(ref));
    }

    /** A VM of berth's, or empty for one without the pool marker (the template, anything else in the folder). */
    private Optional<Vm> vmOf(Vcenter.Props p) {
        String pool = p.options("config.extraConfig").get(POOL_KEY);
        Optional<String> uuid = p.text("config.uuid");
        if (pool == null || uuid.isEmpty()) {
            return Optional.empty();
        }
        String id = SmbiosUuid.identityOf(uuid.get());
        byId.put(id, p.obj());
        return Optional.of(new Vm(id, p.text("name").orElse(p.obj().value()), pool,
                p.text("runtime.powerState").filter("poweredOn"::equals).isPresent() ? Vm.State.ON : Vm.State.OFF,
                p.text("guest.ipAddress")));
    }

    private <T> CompletableFuture<T> task(String vm, Callable<T> body) {
        return tasks.run(vm, body);
    }

    /** How vCenter's failures read: a fault by its type, named by VM; an HTTP or TLS failure as transient. */
    private static ProviderException translate(String vm, Exception e) {
        return switch (e) {
            case ProviderException p -> p.vm().isPresent() || vm == null ? p
                    : new ProviderException(p.kind(), vm, p.getMessage());
            case VimFault f -> new ProviderException(kind(f.type), vm, "vSphere: " + f.getMessage());
            case IOException io -> new ProviderException(Kind.TRANSIENT, vm, "vSphere: " + io.getMessage());
            default -> new ProviderException(Kind.FAILED, vm, e.toString());
        };
    }

    /** A vim25 fault's kind: whether a retry may pass, and whose mistake it is. */
    static Kind kind(String fault) {
        return switch (fault) {
            case "InvalidLogin", "NoPermission", "NotAuthenticated", "InvalidArgument", "NotSupported",
                 "InvalidRequest" -> Kind.INVALID;
            case "DuplicateName", "InvalidPowerState", "InvalidState", "TaskInProgress" -> Kind.CONFLICT;
            case "ManagedObjectNotFound", "NotFound" -> Kind.NOT_FOUND;
            case "HostCommunication", "HostNotConnected", "Timedout", "RequestCanceled" -> Kind.TRANSIENT;
            default -> Kind.FAILED;   // FileFault, InsufficientResourcesFault, task errors: someone must look
        };
    }
}
