package io.berth.controller.provider.vsphere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.config.Bundle;
import io.berth.config.BundleGuestinfo;
import io.berth.config.SmbiosUuid;
import io.berth.controller.BerthCli;
import io.berth.controller.provider.vsphere.Vim.MoRef;
import io.berth.lab.Await;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import io.berth.lab.Vcsim;
import io.berth.lab.VcsimEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * berth with {@code provider: vsphere} against vcsim (vim25 SOAP), the Swarm and PowerDNS of a lab beside it: the
 * VMs are clones that run no agent, so pool create waits for {@code --wait vm} only.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VsphereIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Lab(workers = 0)
    static LabEnv lab;

    @Vcsim
    static VcsimEnv vcsim;

    @TempDir
    static Path dir;

    static BerthCli berth;
    static Vcenter vcenter;

    @BeforeAll
    static void berthYmlForVcsim() throws Exception {
        berth = new BerthCli(dir);
        assertEquals(0, berth.run(60, "init", "--lab", lab.name()).exit());
        Path yml = dir.resolve("berth.yml");
        String init = Files.readString(yml);
        Files.writeString(yml, init.substring(0, init.indexOf("pools:")) + """
                pools:
                  blue: {size: 3, vsphere: {template: %s, folder: %s, extraConfig: {SET.guest.ipAddress: 10.99.0.7, vm.color: blue}}}
                  green: {size: 1, vsphere: {template: %s}}
                  grey: {size: 1, vsphere: {template: nope}}
                  netted: {size: 1, vsphere: {template: %1$s, network: berth-net, extraConfig: {SET.guest.ipAddress: 10.99.0.9}}}
                  linked: {size: 1, vsphere: {template: /DC0/vm/DC0_C0_RP0_VM1, linkedClone: true, extraConfig: {SET.guest.ipAddress: 10.99.0.8}}}
                provider:
                  vsphere: {url: %s, user: %s, passwordFile: %s, datacenter: %s}
                """.formatted(vcsim.template(), vcsim.folder(), vcsim.template(), vcsim.url(), vcsim.user(),
                vcsim.passwordFile(), vcsim.datacenter()));
        vcenter = new Vcenter(new Vim(vcsim.url(), false, Duration.ofSeconds(10)), vcsim.user(), vcsim.passwordFile());
    }

    @AfterAll
    static void destroyWhatIsLeft() {
        berth.run(120, "pool", "destroy", "blue", "--yes", "--force");
        berth.run(120, "pool", "destroy", "green", "--yes", "--force");
        vcenter.close();
    }

    static BerthCli.Result ok(BerthCli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    /** Every VM in vCenter: name → its properties, read with our own client (not through berth). */
    static List<Vcenter.Props> vms() throws Exception {
        MoRef root = vcenter.findByInventoryPath("/" + vcsim.datacenter() + "/vm").orElseThrow();
        return vcenter.vmsUnder(root, List.of("name", "config.uuid", "config.extraConfig", "runtime.powerState"));
    }

    static List<String> names(String prefix) throws Exception {
        List<String> names = new ArrayList<>();
        for (Vcenter.Props p : vms()) {
            p.text("name").filter(n -> n.startsWith(prefix)).ifPresent(names::add);
        }
        return names.stream().sorted().toList();
    }

    @Test
    @Order(1)
    void aPoolOfThreeIsClonedPoweredOnGivenAnAddressShownAndEachCarriesItsBundleAndMarker() throws Exception {
        JsonNode report = JSON.readTree(ok(berth.run(120, "pool", "create", "blue", "--wait", "vm", "-o", "json")).out());
        assertEquals(3, report.get("vms").size(), report.toString());
        assertEquals(List.of("blue1", "blue2", "blue3"), names("blue"));

        JsonNode members = JSON.readTree(ok(berth.run(60, "pool", "show", "blue", "-o", "json")).out()).get("members");
        for (JsonNode m : members) {
            assertEquals("on", m.get("vm").asText(), m.toString());
            assertEquals("10.99.0.7", m.get("address").asText(), m.toString());
        }
        for (Vcenter.Props p : vms()) {
            String name = p.text("name").orElseThrow();
            if (!name.startsWith("blue")) {
                continue;
            }
            Map<String, String> extra = p.options("config.extraConfig");
            assertEquals("blue", extra.get(VsphereProvider.POOL_KEY), name);
            assertEquals("blue", extra.get("vm.color"), "the pool's own extraConfig: " + name);
            TreeSet<String> keys = new TreeSet<>(extra.keySet());
            keys.removeIf(k -> k.startsWith("guestinfo.berth."));
            keys.remove("govcsim");   // vcsim's own mark on every VM it makes
            assertEquals(new TreeSet<>(List.of(VsphereProvider.POOL_KEY, "vm.color")), keys,
                    "nothing but the marker, the pool's keys and the bundle: " + name);
            Bundle bundle = BundleGuestinfo.parse(k -> Optional.ofNullable(extra.get(k)), Path.of("/"));
            assertEquals(Optional.of(name), bundle.config().host().name(), name);
            assertEquals(Files.readString(lab.joinTokenFile()).strip(), bundle.secrets().joinToken(), name);
            String id = SmbiosUuid.identityOf(p.text("config.uuid").orElseThrow());
            assertTrue(members.toString().contains(id), "pool show joins by the SMBIOS identity: " + id);
        }
        BerthCli.Result list = ok(berth.run(60, "pool", "list"));
        assertTrue(list.out().lines().anyMatch(l -> l.matches("blue\\s+3\\s+3\\s+0.*")), list.out());
    }

    @Test
    @Order(2)
    void aRerunChangesNothingAndDestroyShutsDownAndRemovesEveryVm() throws Exception {
        JsonNode again = JSON.readTree(ok(berth.run(120, "pool", "create", "blue", "--wait", "vm", "-o", "json")).out());
        for (JsonNode vm : again.get("vms")) {
            assertEquals(0, vm.get("changes").size(), vm.toString());
        }
        assertEquals(3, names("blue").size());

        BerthCli.Result destroy = ok(berth.run(120, "pool", "destroy", "blue", "--yes"));
        assertTrue(destroy.out().contains("blue1: shut down, VM destroyed"), destroy.toString());
        assertEquals(List.of(), names("blue"));
        assertTrue(names("DC0_").size() >= 1, "the template and the simulator's own VMs stay");
    }

    @Test
    @Order(3)
    void faultsAreOneLineNamingTheVmOrTheFieldAndTheFault() throws Exception {
        BerthCli.Result missing = berth.run(60, "pool", "create", "grey", "--wait", "vm");
        assertEquals(1, missing.exit(), missing.toString());
        assertTrue(missing.lastLine().contains("grey1") && missing.lastLine().contains("vsphere.template")
                && missing.lastLine().contains("not found"), missing.lastLine());

        // A VM of a pool's name without the pool's marker: made by hand, never taken over.
        MoRef template = vcenter.findByInventoryPath(vcsim.template()).orElseThrow();
        MoRef folder = vcenter.findByInventoryPath("/" + vcsim.datacenter() + "/vm").orElseThrow();
        MoRef pool = vcenter.findByInventoryPath(vcsim.resourcePool()).orElseThrow();
        vcenter.await(vcenter.task("CloneVM_Task", template, folder.xml("folder") + Vim.Xml.el("name", "green1")
                + "<spec><location>" + pool.xml("pool") + "</location><template>false</template>"
                + "<powerOn>false</powerOn></spec>"), Duration.ofSeconds(30));
        BerthCli.Result duplicate = berth.run(60, "pool", "create", "green", "--wait", "vm");
        assertEquals(1, duplicate.exit(), duplicate.toString());
        assertTrue(duplicate.lastLine().contains("green1") && duplicate.lastLine().contains("no pool's"),
                duplicate.lastLine());
        assertEquals(List.of("green1"), names("green"), "nothing cloned beside it");

        String password = Files.readString(vcsim.passwordFile());
        Files.writeString(vcsim.passwordFile(), "not-the-password\n");
        try {
            BerthCli.Result wrong = berth.run(60, "pool", "list");
            assertEquals(1, wrong.exit(), wrong.toString());
            assertTrue(wrong.lastLine().contains("InvalidLogin"), wrong.lastLine());
            assertFalse(wrong.err().contains("not-the-password") || wrong.err().contains("\tat "), wrong.err());
        } finally {
            Files.writeString(vcsim.passwordFile(), password);
        }
        ok(berth.run(60, "pool", "list"));
    }

    @Test
    @Order(4)
    void aVmThatRunsIsPoweredOffBeforeItIsDestroyed() throws Exception {
        BerthCli.Result create = ok(berth.run(60, "pool", "create", "blue", "--size", "1", "--wait", "vm"));
        assertEquals(List.of("blue1"), names("blue"), create.toString());
        try (VsphereProvider provider = VsphereProvider.open(io.berth.config.BerthConfigLoader.load(dir.resolve(
                "berth.yml")), vcsimSettings(), 2)) {
            var vm = provider.list(Optional.of("blue")).get(30, TimeUnit.SECONDS).get(0);
            assertEquals(io.berth.controller.provider.Vm.State.ON, vm.state());
            provider.destroy(vm).get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), names("blue"));
    }

    @Test
    @Order(5)
    void aCreateKilledWhileItsCloneIsAnsweredIsFinishedByARerunWithoutASecondClone() throws Exception {
        vcsim.delay("CloneVM_Task", Duration.ofSeconds(4));
        Process create;
        try {
            create = berth.start("pool", "create", "blue", "--size", "2", "--wait", "vm");
            // Both clones are in vCenter's hands once their requests arrived: kill berth in the middle of the call.
            Await.until("both clones in their stall", Duration.ofSeconds(30), Duration.ofMillis(100),
                    () -> vcsim.stalled("CloneVM_Task") == 2);
            create.descendants().forEach(ProcessHandle::destroyForcibly);
            create.destroyForcibly();
            assertTrue(create.waitFor(10, TimeUnit.SECONDS));
        } finally {
            vcsim.clearDelay("CloneVM_Task");
        }
        // The killed berth's clones still end in vCenter, after their stall: a slow vCenter does what it was asked.
        Await.until("the killed berth's clones", Duration.ofSeconds(20), Duration.ofMillis(200),
                () -> count("blue") == 2);
        ok(berth.run(120, "pool", "create", "blue", "--size", "2", "--wait", "vm"));
        assertEquals(List.of("blue1", "blue2"), names("blue"), "found again, not cloned twice");
    }

    static int count(String prefix) {
        try {
            return names(prefix).size();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    @Order(6)
    void aLinkedCloneNeedsTheTemplatesSnapshotAndIsMadeFromIt() throws Exception {
        BerthCli.Result refused = berth.run(60, "pool", "create", "linked", "--wait", "vm");
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.lastLine().contains("linkedClone") && refused.lastLine().contains("no snapshot"),
                refused.lastLine());
        assertEquals(List.of(), names("linked"));

        MoRef template = vcenter.findByInventoryPath("/DC0/vm/DC0_C0_RP0_VM1").orElseThrow();
        vcenter.await(vcenter.task("CreateSnapshot_Task", template, Vim.Xml.el("name", "base")
                + Vim.Xml.el("memory", "false") + Vim.Xml.el("quiesce", "false")), Duration.ofSeconds(30));
        ok(berth.run(60, "pool", "create", "linked", "--wait", "vm"));
        assertEquals(List.of("linked1"), names("linked"));
        ok(berth.run(60, "pool", "destroy", "linked", "--yes"));
        assertEquals(List.of(), names("linked"));
    }

    @Test
    @Order(7)
    void aVmMovedOutOfItsPoolsFolderIsNoLongerThePools() throws Exception {
        ok(berth.run(60, "pool", "create", "blue", "--size", "1", "--wait", "vm"));
        MoRef vm = vcenter.findByInventoryPath(vcsim.folder() + "/blue1").orElseThrow();
        MoRef vmFolder = vcenter.findByInventoryPath("/" + vcsim.datacenter() + "/vm").orElseThrow();
        MoRef elsewhere = Vim.returnvals(vcenter.call("CreateFolder", vmFolder, Vim.Xml.el("name", "elsewhere")))
                .stream().findFirst().map(MoRef::of).orElseThrow();
        vcenter.await(vcenter.task("MoveIntoFolder_Task", elsewhere, vm.xml("list")), Duration.ofSeconds(30));
        assertFalse(members("blue").contains("blue1"), "moved out of " + vcsim.folder());
        // Back where it belongs, so that the class's cleanup finds it.
        vcenter.await(vcenter.task("MoveIntoFolder_Task", vmFolder, vm.xml("list")), Duration.ofSeconds(30));
        assertTrue(members("blue").contains("blue1"));
    }

    @Test
    @Order(8)
    void aVmWithoutAnAddressIsWaitingForIpUntilTheBoundAndALostSessionLogsInAgain() throws Exception {
        var config = io.berth.config.BerthConfigLoader.load(dir.resolve("berth.yml"));
        try (VsphereProvider provider = VsphereProvider.open(config, vcsimSettings(), 2)) {
            // green's clones get no SET.guest.ipAddress: VMware Tools (here: vcsim) never reports one.
            var vm = provider.create(new io.berth.controller.provider.VmSpec("green2", "green",
                    java.util.UUID.randomUUID().toString(), List.of(), Path.of("/etc/berth/agent.yml"))).get(60,
                    TimeUnit.SECONDS);
            try {
                vm = provider.powerOn(vm).get(60, TimeUnit.SECONDS);
                var on = vm;
                var late = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> provider.awaitAddress(on, Duration.ofSeconds(2)).get(30, TimeUnit.SECONDS));
                assertEquals("green2: waiting for IP: VMware Tools reported no address within 2 s",
                        late.getCause().getMessage());

                // Every session but the test's own ends (as an expired or killed vCenter session would).
                MoRef sessions = new MoRef("SessionManager", "SessionManager");
                Vcenter.Props p = vcenter.properties(List.of(sessions), "SessionManager",
                        List.of("sessionList", "currentSession")).get(0);
                String mine = Vim.Xml.text(p.values().get("currentSession"), "key").orElseThrow();
                int ended = 0;
                for (org.w3c.dom.Element session : Vim.Xml.children(p.values().get("sessionList"))) {
                    String key = Vim.Xml.text(session, "key").orElseThrow();
                    if (!key.equals(mine)) {
                        vcenter.call("TerminateSession", sessions, Vim.Xml.el("sessionId", key));
                        ended++;
                    }
                }
                assertTrue(ended >= 1, "the provider's session ended");
                assertTrue(provider.list(Optional.of("green")).get(30, TimeUnit.SECONDS).stream()
                        .anyMatch(v -> v.name().equals("green2")), "NotAuthenticated: logged in again");
            } finally {
                provider.destroy(vm).get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(9)
    void aPoolsNetworkIsWhereItsClonesNetworkCardGoes() throws Exception {
        // A second standard port group, on the template's host, for the clones to be moved to.
        MoRef template = vcenter.findByInventoryPath(vcsim.template()).orElseThrow();
        MoRef host = MoRef.of(vcenter.properties(List.of(template), "VirtualMachine", List.of("runtime.host")).get(0)
                .values().get("runtime.host"));
        MoRef networkSystem = MoRef.of(vcenter.properties(List.of(host), "HostSystem",
                List.of("configManager.networkSystem")).get(0).values().get("configManager.networkSystem"));
        vcenter.call("AddPortGroup", networkSystem, "<portgrp><name>berth-net</name><vlanId>0</vlanId>"
                + "<vswitchName>vSwitch0</vswitchName><policy/></portgrp>");
        MoRef network = vcenter.findByInventoryPath("/DC0/network/berth-net").orElseThrow();

        ok(berth.run(60, "pool", "create", "netted", "--wait", "vm"));
        MoRef vm = vcenter.findByInventoryPath(vcsim.folder() + "/netted1").orElseThrow();
        String devices = Vim.Xml.write(vcenter.properties(List.of(vm), "VirtualMachine",
                List.of("config.hardware.device")).get(0).values().get("config.hardware.device"));
        assertTrue(devices.contains("<network type=\"Network\">" + network.value() + "</network>"), devices);
        assertTrue(devices.contains("<deviceName>berth-net</deviceName>"), devices);
        assertTrue(devices.contains("<macAddress>"), "the card is edited, not replaced: " + devices);
        ok(berth.run(60, "pool", "create", "netted", "--wait", "vm"));   // on it already: nothing to do
        ok(berth.run(60, "pool", "destroy", "netted", "--yes"));
    }

    static List<String> members(String pool) throws Exception {
        List<String> names = new ArrayList<>();
        JSON.readTree(ok(berth.run(60, "pool", "show", pool, "-o", "json")).out()).get("members")
                .forEach(m -> names.add(m.get("name").asText()));
        return names;
    }

    static io.berth.config.BerthConfig.Vsphere vcsimSettings() {
        return new io.berth.config.BerthConfig.Vsphere(vcsim.url(), vcsim.user(), vcsim.passwordFile(), false,
                vcsim.datacenter());
    }
}
