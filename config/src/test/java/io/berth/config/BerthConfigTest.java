package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.config.BerthConfig.Lab;
import io.berth.config.BerthConfig.Managers;
import io.berth.config.BerthConfig.Pool;
import io.berth.config.BerthConfig.Vsphere;
import io.berth.config.BerthConfig.VsphereVm;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** berth.yml's records built in code check berth.yml's rules. */
class BerthConfigTest {

    private static final Vsphere VSPHERE = new Vsphere(URI.create("https://vc/sdk"), "u", Path.of("/p"), false, "DC");
    private static final VsphereVm VM = new VsphereVm("t", Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), false, Map.of());

    @Test
    void aPoolAlwaysCarriesItsNameAsALabel() {
        assertEquals(Map.of("berth.pool", "blue", "zone", "a"),
                new Pool("blue", 1, Map.of("zone", "a"), Optional.empty()).labels());
        assertEquals(Map.of("berth.pool", "blue"), new Pool("blue", 1, Map.of("berth.pool", "blue"), Optional.empty())
                .labels());
        assertEquals("pools.blue.labels: label key \"berth.pool\" is the pool's name",
                error(() -> new Pool("blue", 1, Map.of("berth.pool", "green"), Optional.empty())));
    }

    @Test
    void aPoolsNameAndSizeAreChecked() {
        assertEquals("pools.blue.size: not a whole number from 1 to 99: \"0\"",
                error(() -> new Pool("blue", 0, Map.of(), Optional.empty())));
        assertEquals("pools.Blue: not a pool name (1 to 6 of a-z 0-9, starting with a-z: its VMs are <pool><n>): "
                + "\"Blue\"", error(() -> new Pool("Blue", 1, Map.of(), Optional.empty())));
    }

    @Test
    void poolsAreUniqueAndMatchTheProvider() {
        Pool blue = new Pool("blue", 1, Map.of(), Optional.of(VM));
        assertEquals("pools.blue: a second pool of that name", error(() -> berth(List.of(blue, blue), VSPHERE)));
        assertEquals("pools: must not be empty", error(() -> berth(List.of(), VSPHERE)));
        assertEquals("pools.green.vsphere.template: required: the provider is vsphere",
                error(() -> berth(List.of(blue, new Pool("green", 1, Map.of(), Optional.empty())), VSPHERE)));
        assertEquals("pools.blue.vsphere: not for the lab provider",
                error(() -> berth(List.of(blue), new Lab("lab1", Optional.empty()))));
        assertEquals(Optional.of(blue), berth(List.of(blue), VSPHERE).pool("blue"));
    }

    @Test
    void managersNeedTlsOrInsecureForPlainTcp() {
        assertEquals("managers.api: tcp://m1:2375 is plain TCP: set managers.tls, or managers.insecure: true to "
                + "allow it", error(() -> new Managers(List.of(URI.create("tcp://m1:2375")), Optional.empty(), false)));
        assertEquals("managers.api: must not be empty", error(() -> new Managers(List.of(), Optional.empty(), true)));
    }

    @Test
    void providerAndVsphereValuesAreChecked() {
        assertEquals("provider.lab.name: not a lab name (2 to 8 of a-z 0-9): \"x\"",
                error(() -> new Lab("x", Optional.empty())));
        assertEquals("provider.vsphere.user: must be one line of text, not empty: \"\"",
                error(() -> new Vsphere(URI.create("https://vc/sdk"), "", Path.of("/p"), false, "DC")));
        assertEquals("vsphere.template: required", error(() -> new VsphereVm(null, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false, Map.of())));
    }

    private static BerthConfig berth(List<Pool> pools, BerthConfig.ProviderSettings provider) {
        return new BerthConfig(Path.of("/etc/berth/berth.yml"),
                new Managers(List.of(URI.create("unix:///run/m.sock")), Optional.empty(), false),
                new BerthConfig.Dns(URI.create("http://pdns:8081"), Path.of("/k"), "localhost", "lab.example.",
                        Optional.empty()),
                new AgentTemplate(AgentConfigTest.config(AgentConfigTest.dns("lab.example.", Optional.empty(), 60),
                        AgentConfigTest.swarm(List.of(URI.create("unix:///run/m.sock")), Optional.empty(), false,
                                Map.of(), java.time.Duration.ofSeconds(1)), Path.of("/var/lib/berth"))),
                pools, provider);
    }

    private static String error(Executable build) {
        return assertThrows(ConfigException.class, build).getMessage();
    }
}
