package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.berth.config.ConfigKey.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {

    @Test
    void eachKeyHasItsVariable() {
        assertEquals("BERTH_DNS_API_KEY_FILE", new ConfigKey("dns.apiKeyFile", Kind.SCALAR).variable());
        assertEquals("BERTH_STATE_DIR", ConfigKeys.byPath("stateDir").orElseThrow().variable());
        assertEquals(Optional.of(new ConfigKey("swarm.tls.ca", Kind.SCALAR)), ConfigKeys.byVariable("BERTH_SWARM_TLS_CA"));
        assertEquals(Optional.of(new ConfigKey("swarm.joinAddrs", Kind.LIST)), ConfigKeys.byPath("swarm.joinAddrs"));
        assertEquals(Optional.empty(), ConfigKeys.byVariable("BERTH_DNS_ZONES"));
    }

    @Test
    void allListsTheSchemaInOrder() {
        assertEquals(25, ConfigKeys.all().size());
        assertEquals("host.name", ConfigKeys.all().getFirst().path());
        assertEquals("stateDir", ConfigKeys.all().getLast().path());
    }
}
