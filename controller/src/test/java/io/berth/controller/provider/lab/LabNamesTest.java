package io.berth.controller.provider.lab;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.controller.provider.ProviderException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabNamesTest {

    @Test
    void aVmNameIsAWorkerHostNameTheLabAccepts() {
        for (String ok : List.of("blue1", "g", "a1b2c3d4", "managers1x".substring(0, 8))) {
            assertDoesNotThrow(() -> LabNames.checkVm(ok), ok);
        }
        for (String bad : List.of("", "Blue1", "blue-1", "blue12345", "dns", "br", "vms", "tls", "manager", "manager3",
                "mgr", "mgr2")) {
            ProviderException e = assertThrows(ProviderException.class, () -> LabNames.checkVm(bad), bad);
            assertEquals(ProviderException.Kind.INVALID, e.kind());
        }
        assertThrows(ProviderException.class, () -> LabNames.checkVm(null));
    }

    @Test
    void aLabNameIsTheLabsOwnRule() {
        assertDoesNotThrow(() -> LabNames.checkLab("bl12ab"));
        assertThrows(ProviderException.class, () -> LabNames.checkLab("b"));
        assertThrows(ProviderException.class, () -> LabNames.checkLab("../etc"));
    }

    @Test
    void theLayoutIsKnownBeforeTheHostExists() {
        Path labDir = Path.of("/var/lib/berth-lab/pv1");
        var layout = LabNames.layout(labDir, "blue1");
        assertEquals(Path.of("/var/lib/berth-lab/pv1/vms/blue1/root"), layout.root());
        // What `lab env` prints as LAB_HOST_BLUE1_SOCK once the host exists.
        assertEquals(Optional.of(URI.create("unix:///var/lib/berth-lab/pv1/blue1/docker.sock")), layout.engine());
        assertEquals(Path.of("/var/lib/berth-lab/pv1/vms/blue1/run.pid"), LabNames.pidFile(labDir, "blue1"));
        assertEquals("LAB_HOST_BLUE1_ADDR", LabNames.envKey("blue1", "ADDR"));
    }
}
