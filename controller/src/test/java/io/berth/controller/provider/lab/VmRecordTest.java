package io.berth.controller.provider.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.controller.provider.Vm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmRecordTest {

    @TempDir
    Path dir;

    private static final VmRecord CREATING = new VmRecord("0b8e4a1c-4f1e-4d5e-9a43-2f0c7d7e6b11", "blue1", "blue",
            VmRecord.Status.CREATING, Path.of("/lab/vms/blue1/root/etc/berth/agent.yml"));

    @Test
    void aRecordIsWrittenAndReadBack() throws IOException {
        CREATING.write(dir);
        assertEquals(Optional.of(CREATING), VmRecord.read(dir));
        CREATING.created().write(dir);
        assertEquals(VmRecord.Status.CREATED, VmRecord.read(dir).orElseThrow().status());
        assertFalse(Files.exists(dir.resolve("vm.json.tmp")), "no temp file left");
    }

    @Test
    void theFileSaysWhatTheBriefSays() throws IOException {
        String json = CREATING.toJson();
        assertTrue(json.contains("\"state\" : \"creating\""), json);
        assertTrue(json.contains("\"agentConfig\" : \"/lab/vms/blue1/root/etc/berth/agent.yml\""), json);
        assertEquals(CREATING, VmRecord.parse("""
                {"id": "0b8e4a1c-4f1e-4d5e-9a43-2f0c7d7e6b11", "name": "blue1", "pool": "blue", "state": "creating",
                 "agentConfig": "/lab/vms/blue1/root/etc/berth/agent.yml", "later": "ignored"}"""));
    }

    @Test
    void noFileIsNoRecord() throws IOException {
        assertEquals(Optional.empty(), VmRecord.read(dir.resolve("nothing")));
    }

    @Test
    void anUnreadableRecordIsOneLineNamingTheFile() throws IOException {
        Files.writeString(dir.resolve("vm.json"), "{\"id\": \"x\", \"name\": \"blue1\", \"pool\": \"blue\", \"state\": \"running\", \"agentConfig\": \"/a\"}");
        IOException e = assertThrows(IOException.class, () -> VmRecord.read(dir));
        assertEquals(dir.resolve("vm.json") + ": state: expected creating or created, not \"running\"", e.getMessage());
        Files.writeString(dir.resolve("vm.json"), "{\"id\": \"x\"}");
        assertEquals(dir.resolve("vm.json") + ": name: missing",
                assertThrows(IOException.class, () -> VmRecord.read(dir)).getMessage());
        Files.writeString(dir.resolve("vm.json"), "{not json\n at all");
        assertFalse(assertThrows(IOException.class, () -> VmRecord.read(dir)).getMessage().contains("\n"));
    }

    @Test
    void theStateComesFromTheRecordAndTheAgent() {
        assertEquals(Vm.State.CREATING, CREATING.state(false));
        assertEquals(Vm.State.CREATING, CREATING.state(true));
        assertEquals(Vm.State.OFF, CREATING.created().state(false));
        assertEquals(Vm.State.ON, CREATING.created().state(true));
    }
}
