package io.berth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SmbiosUuidTest {

    // govmomi 0.24's simulator/container_test.go: config.uuid 423e36c8-… is product_uuid C8363E42-… in the guest.
    static final String BIOS = "423e36c8-723d-2b24-8590-0eb1d9180aa2";
    static final String PRODUCT_UUID = "C8363E42-3D72-242B-8590-0EB1D9180AA2";

    @Test
    void theBiosUuidMapsToWhatTheGuestReadsLowerCased() {
        assertEquals(PRODUCT_UUID.toLowerCase(), SmbiosUuid.identityOf(BIOS));
        assertEquals(PRODUCT_UUID.toLowerCase(), SmbiosUuid.identityOf(BIOS.toUpperCase()), "whatever the case");
    }

    @Test
    void andBack() {
        assertEquals(BIOS, SmbiosUuid.biosUuidOf(PRODUCT_UUID));
        assertEquals(BIOS, SmbiosUuid.biosUuidOf(SmbiosUuid.identityOf(BIOS)));
    }

    @Test
    void notAUuidIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SmbiosUuid.identityOf("vm-42"));
    }
}
