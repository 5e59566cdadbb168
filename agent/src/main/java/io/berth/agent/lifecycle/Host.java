package io.berth.agent.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import io.berth.agent.state.StateFile;
import io.berth.config.AgentConfig;
import io.berth.config.ConfigException;
import io.berth.config.ConfigLoader;

/**
 * Who this host is: its identity (SMBIOS UUID, else one created once in stateDir), its record's name and the
 * address it advertises, and the kernel's boot id (what scopes the state's life).
 */
public record Host(String identity, String name, String fqdn, String address, String kernelBootId) {

    static final Path DMI_UUID = Path.of("/sys/class/dmi/id/product_uuid");
    private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** The kernel's boot id: the life the state describes, and what scopes the shutdown marker. */
    public static String currentKernelBootId() {
        return read(BOOT_ID);
    }

    /** What is known of this host before it can be worked out (the run daemon's status while it starts). */
    public static Host placeholder(AgentConfig config) {
        String name = config.host().name().orElse("");
        return new Host("", name, name.isEmpty() ? "" : name + "." + config.dns().zone(),
                config.host().address().orElse(""), currentKernelBootId());
    }

    /** Works this host out from the config and the machine; {@code persist} false (dry run) writes nothing. */
    public static Host discover(AgentConfig config, boolean persist) {
        String name = name(config.host().name(), () -> read(HOSTNAME));
        String address = config.host().address().orElseGet(() -> sourceAddressTowards(config.swarm().joinAddrs().get(0)));
        return new Host(identity(DMI_UUID, config.stateDir(), persist), name, name + "." + config.dns().zone(), address,
                currentKernelBootId());
    }

    /**
     * {@code host.name}, else the kernel's hostname cut to its first label, as {@code hostname -s} does
     * ({@code W1.example.com} → {@code w1}: the record's name is that label in {@code dns.zone}). A first label that
     * is no DNS label fails in one line naming {@code host.name}.
     */
    static String name(Optional<String> configured, Supplier<String> kernelHostname) {
        if (configured.isPresent()) {
            return configured.get();
        }
        String hostname = kernelHostname.get().strip().toLowerCase(Locale.ROOT);
        int dot = hostname.indexOf('.');
        String label = dot < 0 ? hostname : hostname.substring(0, dot);
        if (!ConfigLoader.isDnsLabel(label)) {
            throw new ConfigException("host.name", "not set, and " + (dot < 0 ? "" : "the first label of ")
                    + "this host's name " + ConfigLoader.quote(hostname) + " is not a DNS label: set host.name");
        }
        return label;
    }

    /**
     * The SMBIOS UUID (unique per VM on vSphere) where it is readable and real; else a UUID created once in
     * {@code stateDir/identity}. A missing DMI (these lab VMs) or an all-zero UUID falls through.
     */
    static String identity(Path dmi, Path stateDir, boolean persist) {
        try {
            String smbios = Files.readString(dmi).strip().toLowerCase(Locale.ROOT);
            UUID uuid = UUID.fromString(smbios);
            if (uuid.getMostSignificantBits() != 0 || uuid.getLeastSignificantBits() != 0) {
                return uuid.toString();
            }
        } catch (IOException | IllegalArgumentException unreadable) {
            // No DMI here: use the stored identity.
        }
        Path file = stateDir.resolve("identity");
        try {
            if (Files.exists(file)) {
                return UUID.fromString(Files.readString(file).strip()).toString();
            }
            String created = UUID.randomUUID().toString();
            if (persist) {
                StateFile.write(file, created + "\n");
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " does not hold a UUID", e);
        }
    }

    /**
     * The address the kernel uses toward the first manager: connecting a UDP socket sends nothing but picks
     * the route's source. (getLocalHost() answers 127.0.0.1 on these hosts.)
     */
    static String sourceAddressTowards(AgentConfig.HostPort manager) {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(manager.host(), manager.port()));
            return socket.getLocalAddress().getHostAddress();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find this host's address toward " + manager + ": set host.address", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
