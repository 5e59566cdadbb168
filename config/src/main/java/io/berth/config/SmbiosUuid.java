package io.berth.config;

import java.util.Locale;
import java.util.UUID;

/**
 * A vSphere VM's BIOS UUID ({@code config.uuid}) and what its guest reads from SMBIOS
 * ({@code /sys/class/dmi/id/product_uuid}), the agent's identity: the same 16 bytes, but SMBIOS 2.6+ stores the
 * first three fields little-endian, so the guest sees them byte-swapped ({@code 421a3b2c-5d6e-…} →
 * {@code 2c3b1a42-6e5d-…}; vSphere shows it in upper case, vcsim in lower). The swap is its own inverse.
 */
public final class SmbiosUuid {

    private SmbiosUuid() {
    }

    /** The agent's identity (lower case, as {@code Host.identity} reads it) of the VM whose BIOS UUID is given. */
    public static String identityOf(String biosUuid) {
        return swap(biosUuid);
    }

    /** The BIOS UUID of the VM whose agent has {@code identity}. */
    public static String biosUuidOf(String identity) {
        return swap(identity);
    }

    private static String swap(String uuid) {
        String u = UUID.fromString(uuid.strip()).toString().toLowerCase(Locale.ROOT);
        return u.substring(6, 8) + u.substring(4, 6) + u.substring(2, 4) + u.substring(0, 2) + "-"
                + u.substring(11, 13) + u.substring(9, 11) + "-" + u.substring(16, 18) + u.substring(14, 16)
                + u.substring(18);
    }
}
