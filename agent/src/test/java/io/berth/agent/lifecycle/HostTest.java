package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTest {

    @TempDir
    Path dir;

    @Test
    void theSmbiosUuidIsTheIdentityWhereItIsReadable() throws Exception {
        Path dmi = dir.resolve("product_uuid");
        Files.writeString(dmi, "4217A1B2-0C3D-4E5F-8A9B-0C1D2E3F4A5B\n");
        assertEquals("4217a1b2-0c3d-4e5f-8a9b-0c1d2e3f4a5b", Host.identity(dmi, dir.resolve("state"), true));
    }

    @Test
    void withoutDmiAnIdentityIsCreatedOnceAndKept() {
        Path state = dir.resolve("state");
        String first = Host.identity(dir.resolve("missing"), state, true);
        assertEquals(first, Host.identity(dir.resolve("missing"), state, true));
    }

    @Test
    void anAllZeroSmbiosUuidIsNotAnIdentity() throws Exception {
        Path dmi = dir.resolve("product_uuid");
        Files.writeString(dmi, "00000000-0000-0000-0000-000000000000");
        assertNotEquals("00000000-0000-0000-0000-000000000000", Host.identity(dmi, dir.resolve("state"), true));
    }

    @Test
    void aDryRunCreatesNoIdentityFile() {
        Path state = dir.resolve("state");
        Host.identity(dir.resolve("missing"), state, false);
        assertFalse(Files.exists(state.resolve("identity")));
    }

    @Test
    void withoutHostNameTheKernelsHostnameGivesItsFirstLabel() {
        assertEquals("w1", Host.name(Optional.empty(), () -> "w1.example.com\n"), "as hostname -s");
        assertEquals("w1", Host.name(Optional.empty(), () -> "W1.Example.COM"));
        assertEquals("w1", Host.name(Optional.empty(), () -> "w1"));
        assertEquals("web-01", Host.name(Optional.empty(), () -> "web-01.local."));
    }

    @Test
    void hostNameWinsOverTheKernelsHostnameWhateverItIs() {
        assertEquals("w7", Host.name(Optional.of("w7"), () -> "(none)"));
        assertEquals("w7.rack2", Host.name(Optional.of("w7.rack2"), () -> {
            throw new AssertionError("the kernel's hostname is not even read");
        }));
    }

    @Test
    void aHostnameWhoseFirstLabelIsNoDnsLabelFailsInOneLineNamingHostName() {
        ConfigException dotted = assertThrows(ConfigException.class,
                () -> Host.name(Optional.empty(), () -> "-w1.example.com"));
        assertEquals("host.name", dotted.field());
        assertEquals("host.name: not set, and the first label of this host's name \"-w1.example.com\" is not a DNS "
                + "label: set host.name", dotted.getMessage());
        assertEquals("host.name: not set, and this host's name \"(none)\" is not a DNS label: set host.name",
                assertThrows(ConfigException.class, () -> Host.name(Optional.empty(), () -> "(none)")).getMessage());
        for (String bad : new String[] {"", ".example.com", "w1-.example.com", "w\u00e9b.example.com",
                "a".repeat(64) + ".example.com", "bad\nname"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Host.name(Optional.empty(), () -> bad), bad);
            assertEquals("host.name", e.field());
            assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        }
        assertEquals("a".repeat(63), Host.name(Optional.empty(), () -> "a".repeat(63) + ".example.com"));
    }
}
