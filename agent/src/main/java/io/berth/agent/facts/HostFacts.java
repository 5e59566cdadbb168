package io.berth.agent.facts;

import io.berth.agent.log.Log;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.NetworkIF;

/**
 * The host's facts, under Ansible's setup-module names and shapes where they overlap, plus Berth's own
 * {@code berth_*}. Only JSON-friendly values; whatever cannot be read is "NA", as Ansible has it (lists: empty). Gathered
 * once and cached; {@link #refresh()} re-reads. No DNS lookups, no child processes, and a time limit: a
 * section still running when it expires leaves its facts "NA".
 */
public final class HostFacts {

    /** Ansible's placeholder for a fact it cannot read. */
    public static final String UNKNOWN = "NA";
    static final long LIMIT_MS = 10_000;
    private static final List<String> SCALARS = List.of("ansible_hostname", "ansible_nodename", "ansible_fqdn",
            "ansible_domain", "ansible_memtotal_mb", "ansible_memfree_mb", "ansible_swaptotal_mb",
            "ansible_swapfree_mb", "ansible_processor_vcpus", "ansible_processor_count", "ansible_processor_cores",
            "ansible_processor_threads_per_core", "ansible_processor_nproc", "ansible_distribution",
            "ansible_distribution_version", "ansible_distribution_major_version", "ansible_distribution_release",
            "ansible_os_family", "ansible_system", "ansible_kernel", "ansible_kernel_version",
            "ansible_architecture", "ansible_machine", "ansible_product_uuid", "ansible_product_name",
            "ansible_product_serial", "ansible_system_vendor", "ansible_uptime_seconds",
            "ansible_virtualization_type", "ansible_virtualization_role", "ansible_machine_id", "berth_boot_time");
    private static final List<String> LISTS = List.of("ansible_all_ipv4_addresses", "ansible_interfaces",
            "ansible_processor");
    private static final List<String> IPV4_FIELDS = List.of("address", "alias", "gateway", "interface",
            "macaddress", "mtu", "netmask", "network", "prefix", "type");

    private final String advertisedAddress;
    private volatile Map<String, Object> cached;

    public HostFacts(String advertisedAddress) {
        this.advertisedAddress = advertisedAddress;
    }

    /** The cached facts, gathered on first use; the clock (ansible_date_time) is read each time. */
    public Map<String, Object> facts() {
        Map<String, Object> facts = new TreeMap<>(cached != null ? cached : refresh());
        facts.put("ansible_date_time", dateTime(java.time.ZonedDateTime.now()));
        return Collections.unmodifiableMap(facts);
    }

    /** Gathers the facts again and caches them. */
    public synchronized Map<String, Object> refresh() {
        cached = gather(advertisedAddress);
        return cached;
    }

    /** Gathers the facts; {@code advertisedAddress} picks the interface of ansible_default_ipv4 (blank: the default route's). */
    public static Map<String, Object> gather(String advertisedAddress) {
        long start = System.nanoTime();
        Map<String, Object> found = new ConcurrentHashMap<>();
        Thread worker = Thread.ofPlatform().daemon().name("berth-facts").start(() -> collect(advertisedAddress, found));
        boolean inTime = false;
        try {
            inTime = worker.join(Duration.ofMillis(LIMIT_MS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Object> facts = new TreeMap<>(found);
        SCALARS.forEach(k -> facts.putIfAbsent(k, UNKNOWN));
        LISTS.forEach(k -> facts.putIfAbsent(k, List.of()));
        Map<String, Object> ipv4 = new LinkedHashMap<>();
        IPV4_FIELDS.forEach(k -> ipv4.put(k, UNKNOWN));
        if (advertisedAddress != null && !advertisedAddress.isBlank()) {
            ipv4.put("address", advertisedAddress.trim());
        }
        facts.putIfAbsent("ansible_default_ipv4", ipv4);
        facts.put("ansible_date_time", dateTime(java.time.ZonedDateTime.now()));
        long ms = (System.nanoTime() - start) / 1_000_000;
        facts.put("berth_facts_gather_ms", ms);
        facts.put("berth_facts_gathered_at", Instant.now().toString());
        if (!inTime) {
            Log.warn("facts: gathering took more than " + LIMIT_MS + " ms; what was missing is \"NA\"");
        }
        return Collections.unmodifiableMap(facts);
    }

    private static void collect(String advertisedAddress, Map<String, Object> found) {
        section("system", () -> system(found));
        section("memory", () -> memory(found));
        section("distribution", () -> distribution(found));
        section("dmi", () -> dmi(found));
        section("oshi", () -> { // JNA may fail to link on an odd platform: section() catches that too
            SystemInfo si = new SystemInfo();
            section("cpu", () -> cpu(si.getHardware().getProcessor(), found));
            section("uptime", () -> {
                found.put("ansible_uptime_seconds", si.getOperatingSystem().getSystemUptime());
                found.put("berth_boot_time", si.getOperatingSystem().getSystemBootTime());
            });
            section("network", () -> network(si.getHardware().getNetworkIFs(true), advertisedAddress, found));
        });
    }

    private static void system(Map<String, Object> f) {
        String node = read("/proc/sys/kernel/hostname");
        f.put("ansible_nodename", node);
        f.put("ansible_hostname", node.split("\\.", 2)[0]);
        f.put("ansible_fqdn", node); // no resolver: a lookup could hang
        f.put("ansible_domain", node.contains(".") ? node.substring(node.indexOf('.') + 1) : "");
        f.put("ansible_system", read("/proc/sys/kernel/ostype"));
        f.put("ansible_kernel", read("/proc/sys/kernel/osrelease"));
        f.put("ansible_kernel_version", read("/proc/sys/kernel/version"));
        String arch = Files.isReadable(Path.of("/proc/sys/kernel/arch")) ? read("/proc/sys/kernel/arch")
                : switch (System.getProperty("os.arch")) { case "amd64" -> "x86_64"; case "x86" -> "i386";
                    default -> System.getProperty("os.arch"); };
        f.put("ansible_architecture", arch);
        f.put("ansible_machine", arch);
        String machineId = read("/etc/machine-id"); // as Ansible: dbus's copy first, then systemd's
        f.put("ansible_machine_id", !read("/var/lib/dbus/machine-id").equals(UNKNOWN) ? read("/var/lib/dbus/machine-id")
                : machineId);
    }

    /** Ansible's date_time fact: the same keys, spelled as its Python strftime spells them. */
    static Map<String, Object> dateTime(java.time.ZonedDateTime now) {
        java.time.ZonedDateTime utc = now.withZoneSameInstant(java.time.ZoneOffset.UTC);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("year", fmt(now, "yyyy"));
        d.put("month", fmt(now, "MM"));
        d.put("weekday", now.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH));
        d.put("weekday_number", String.valueOf(now.getDayOfWeek().getValue() % 7));
        d.put("weeknumber", String.format(Locale.ROOT, "%02d", (now.getDayOfYear() + 6 - (now.getDayOfWeek().getValue() - 1)) / 7));
        d.put("day", fmt(now, "dd"));
        d.put("hour", fmt(now, "HH"));
        d.put("minute", fmt(now, "mm"));
        d.put("second", fmt(now, "ss"));
        d.put("epoch", String.valueOf(now.toEpochSecond()));
        d.put("epoch_int", String.valueOf(now.toEpochSecond()));
        d.put("date", fmt(now, "yyyy-MM-dd"));
        d.put("time", fmt(now, "HH:mm:ss"));
        d.put("iso8601_micro", fmt(utc, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"));
        d.put("iso8601", fmt(utc, "yyyy-MM-dd'T'HH:mm:ss'Z'"));
        d.put("iso8601_basic", fmt(now, "yyyyMMdd'T'HHmmssSSSSSS"));
        d.put("iso8601_basic_short", fmt(now, "yyyyMMdd'T'HHmmss"));
        d.put("tz", now.getZone().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT).replace("Z", "UTC"));
        d.put("tz_dst", now.getZone().getRules().isDaylightSavings(now.toInstant())
                ? now.getZone().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT) : d.get("tz"));
        d.put("tz_offset", fmt(now, "xx"));
        return d;
    }

    private static String fmt(java.time.ZonedDateTime t, String pattern) {
        return java.time.format.DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(t);
    }

    private static void memory(Map<String, Object> f) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            String[] kv = line.split(":\\s*", 2);
            if (List.of("MemTotal", "MemFree", "SwapTotal", "SwapFree").contains(kv[0])) {
                f.put("ansible_" + kv[0].toLowerCase(Locale.ROOT) + "_mb", Long.parseLong(kv[1].split(" ")[0]) / 1024);
            }
        }
    }

    private static void distribution(Map<String, Object> f) throws Exception {
        Map<String, String> os = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2) os.put(kv[0].trim(), kv[1].trim().replaceAll("^[\"']|[\"']$", ""));
        }
        String id = os.getOrDefault("ID", "");
        String name = switch (id) {
            case "" -> UNKNOWN; case "rhel" -> "RedHat"; case "centos" -> "CentOS"; case "almalinux" -> "AlmaLinux";
            case "amzn" -> "Amazon"; case "sles" -> "SLES"; case "opensuse-leap" -> "openSUSE Leap";
            default -> Character.toUpperCase(id.charAt(0)) + id.substring(1);
        };
        String version = os.getOrDefault("VERSION_ID", UNKNOWN);
        String debian = read("/etc/debian_version"); // Ansible reports Debian's point release (12.11)
        if (id.equals("debian") && debian.matches("\\d+(\\.\\d+)*")) version = debian;
        f.put("ansible_distribution", name);
        f.put("ansible_distribution_version", version);
        f.put("ansible_distribution_major_version", version.equals(UNKNOWN) ? UNKNOWN : version.split("\\.")[0]);
        f.put("ansible_distribution_release", os.getOrDefault("VERSION_CODENAME", UNKNOWN));
        f.put("ansible_os_family", switch (name) {
            case "Debian", "Ubuntu", "Raspbian", "Linuxmint", "Pop" -> "Debian";
            case "RedHat", "CentOS", "Fedora", "Rocky", "AlmaLinux", "Amazon", "Ol" -> "RedHat";
            case "SLES", "openSUSE Leap" -> "Suse";
            default -> name;
        });
    }

    private static void dmi(Map<String, Object> f) {
        String vendor = dmi("sys_vendor");
        String product = dmi("product_name");
        f.put("ansible_product_uuid", dmi("product_uuid"));
        f.put("ansible_product_serial", dmi("product_serial"));
        f.put("ansible_product_name", product);
        f.put("ansible_system_vendor", vendor);
        String both = (vendor + " " + product).toLowerCase(Locale.ROOT);
        String type = both.contains("vmware") ? "VMware" : both.contains("kvm") || both.contains("qemu") ? "kvm"
                : both.contains("xen") ? "xen" : UNKNOWN;
        boolean hypervisorFlag = read("/proc/cpuinfo").lines().anyMatch(l -> l.startsWith("flags") && l.contains(" hypervisor"));
        f.put("ansible_virtualization_type", type);
        f.put("ansible_virtualization_role", hypervisorFlag || !type.equals(UNKNOWN) ? "guest" : UNKNOWN);
    }

    private static void cpu(CentralProcessor cpu, Map<String, Object> f) {
        CentralProcessor.ProcessorIdentifier id = cpu.getProcessorIdentifier();
        List<String> processor = new ArrayList<>();
        cpu.getLogicalProcessors().stream().sorted(Comparator.comparingInt(CentralProcessor.LogicalProcessor::getProcessorNumber))
                .forEach(p -> processor.addAll(List.of(String.valueOf(p.getProcessorNumber()), id.getVendor(), id.getName())));
        int packages = Math.max(1, cpu.getPhysicalPackageCount());
        int cores = Math.max(1, cpu.getPhysicalProcessorCount());
        f.put("ansible_processor", processor);
        f.put("ansible_processor_count", packages);
        f.put("ansible_processor_cores", Math.max(1, cores / packages));
        f.put("ansible_processor_threads_per_core", Math.max(1, cpu.getLogicalProcessorCount() / cores));
        f.put("ansible_processor_vcpus", cpu.getLogicalProcessorCount());
        f.put("ansible_processor_nproc", Runtime.getRuntime().availableProcessors());
    }

    private static void network(List<NetworkIF> ifs, String advertised, Map<String, Object> f) throws Exception {
        // Addresses in the kernel's order of /sys/class/net (Ansible walks it unsorted); interface names sorted
        // (Ansible's come out of a set: no order to copy).
        List<String> names;
        try (var listed = Files.list(Path.of("/sys/class/net"))) { // Ansible lists down interfaces too
            names = listed.map(n -> n.getFileName().toString()).toList();
        }
        f.put("ansible_interfaces", names.stream().sorted().toList());
        f.put("ansible_all_ipv4_addresses", ifs.stream()
                .sorted(Comparator.comparingInt(nif -> names.indexOf(nif.getName()) < 0 ? Integer.MAX_VALUE
                        : names.indexOf(nif.getName())))
                .flatMap(nif -> Arrays.stream(nif.getIPv4addr()))
                .filter(a -> !a.startsWith("127.")).toList()); // as Ansible: no loopback addresses
        Map<String, String> gateways = defaultGateways();
        String want = advertised == null ? "" : advertised.trim();
        for (NetworkIF nif : ifs) {
            String[] addrs = nif.getIPv4addr();
            for (int i = 0; i < addrs.length && i < nif.getSubnetMasks().length; i++) {
                if (!(want.isEmpty() ? gateways.containsKey(nif.getName()) : addrs[i].equals(want))) continue;
                int prefix = nif.getSubnetMasks()[i];
                int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("address", addrs[i]);
                d.put("alias", nif.getName());
                d.put("gateway", gateways.getOrDefault(nif.getName(), UNKNOWN));
                d.put("interface", nif.getName());
                d.put("macaddress", read("/sys/class/net/" + nif.getName() + "/address")); // lo's too, as Ansible
                d.put("mtu", nif.getMTU());
                d.put("netmask", dotted(mask));
                d.put("network", dotted(ipv4(addrs[i]) & mask));
                d.put("prefix", String.valueOf(prefix));
                d.put("type", switch (nif.getIfType()) { case 1 -> "ether"; case 772 -> "loopback"; default -> UNKNOWN; });
                f.put("ansible_default_ipv4", d);
                return;
            }
        }
    }

    /** Interface → gateway of its default route (lowest metric), from /proc/net/route: no `route` needed. */
    static Map<String, String> defaultGateways() {
        Map<String, String> gw = new LinkedHashMap<>();
        read("/proc/net/route").lines().skip(1).map(l -> l.trim().split("\\s+"))
                .filter(c -> c.length > 6 && c[1].equals("00000000") && (Integer.parseInt(c[3], 16) & 0x2) != 0)
                .sorted(Comparator.comparingInt(c -> Integer.parseInt(c[6])))
                .forEach(c -> gw.putIfAbsent(c[0], dotted(Integer.reverseBytes((int) Long.parseLong(c[2], 16)))));
        return gw;
    }

    private static int ipv4(String a) {
        int v = 0;
        for (String part : a.split("\\.")) v = (v << 8) | Integer.parseInt(part);
        return v;
    }

    private static String dotted(int v) {
        return (v >>> 24) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }

    private static String dmi(String name) {
        String v = read("/sys/class/dmi/id/" + name); // vcsim's container hosts mount their SMBIOS data here
        return v.equals(UNKNOWN) ? read("/sys/devices/virtual/dmi/id/" + name) : v;
    }

    /** A file's trimmed content, or "NA" when absent, unreadable (product_uuid is root-only) or blank. */
    static String read(String path) {
        try {
            String s = Files.readString(Path.of(path)).trim();
            return s.isEmpty() ? UNKNOWN : s;
        } catch (Exception e) {
            return UNKNOWN;
        }
    }

    private interface Section { void run() throws Exception; }

    private static void section(String name, Section section) {
        try {
            section.run();
        } catch (Throwable e) { // JNA's link errors included: a fact is never worth the agent
            Log.debug("facts: " + name + " unreadable: " + e);
        }
    }
}
