package io.berth.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void namesBecomeAbsoluteAndLowerCase() {
        assertEquals("w1.lab.test.", Names.absolute("W1.Lab.test"));
        assertEquals("w1.lab.test.", Names.absolute("w1.lab.test."));
    }

    @Test
    void zoneMembershipIsByWholeLabels() {
        assertTrue(Names.inZone("w1.lab.test.", "lab.test."));
        assertTrue(Names.inZone("lab.test.", "lab.test."));
        assertFalse(Names.inZone("w1.otherlab.test.", "lab.test."));
    }

    @Test
    void reverseNameOfIpv4() {
        assertEquals("5.0.0.10.in-addr.arpa.", Names.reverseName("10.0.0.5"));
        assertTrue(Names.inZone(Names.reverseName("10.0.0.5"), "0.0.10.in-addr.arpa."));
        assertFalse(Names.inZone(Names.reverseName("10.0.1.5"), "0.0.10.in-addr.arpa."));
    }

    @Test
    void onlyDottedQuadsAreIpv4() {
        assertTrue(Names.isIpv4("255.0.0.1"));
        for (String bad : new String[] {"256.0.0.1", "10.0.0", "10.0.0.05", "a.b.c.d", "10..0.1", "::1", ""}) {
            assertFalse(Names.isIpv4(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Names.reverseName("w1"));
    }
}
