package io.berth.agent.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
