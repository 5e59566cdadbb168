package io.berth.agent.dns;

import java.util.Locale;

/** DNS name and IPv4 helpers: absolute lower-case names, zone membership, reverse names. */
final class Names {

    private Names() {
    }

    /** {@code W1.Example.org} → {@code w1.example.org.}: PowerDNS wants absolute names; DNS ignores case. */
    static String absolute(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || lower.equals(".")) {
            throw new IllegalArgumentException("empty DNS name");
        }
        return lower.endsWith(".") ? lower : lower + ".";
    }

    /** True if absolute {@code name} is {@code zone} itself or below it. */
    static boolean inZone(String name, String zone) {
        return name.equals(zone) || name.endsWith("." + zone);
    }

    /** True for a dotted-quad IPv4 address (no DNS lookup, unlike InetAddress). */
    static boolean isIpv4(String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
        }
        return true;
    }

    /** {@code 10.0.0.5} → {@code 5.0.0.10.in-addr.arpa.} */
    static String reverseName(String ipv4) {
        if (!isIpv4(ipv4)) {
            throw new IllegalArgumentException("not an IPv4 address: '" + ipv4 + "'");
        }
        String[] octets = ipv4.split("\\.");
        return octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0] + ".in-addr.arpa.";
    }
}
