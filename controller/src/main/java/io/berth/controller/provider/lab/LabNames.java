package io.berth.controller.provider.lab;

import io.berth.controller.provider.ProviderException;
import io.berth.controller.provider.VmLayout;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The lab's naming rules, as {@code lab/lab} applies them, and where this provider keeps a VM's files. */
final class LabNames {

    private static final Pattern LAB = Pattern.compile("[a-z0-9]{2,8}");
    private static final Pattern HOST = Pattern.compile("[a-z0-9]{1,8}");
    // The lab's reserved host names, and the directories of the lab dir a host's own directory would collide with.
    private static final Pattern RESERVED = Pattern.compile("dns|br|manager[0-9]*|mgr[0-9]*|vms|tls");

    private LabNames() {
    }

    static void checkLab(String lab) {
        if (lab == null || !LAB.matcher(lab).matches()) {
            throw new ProviderException(ProviderException.Kind.INVALID, null,
                    "invalid lab name '" + lab + "' (expected [a-z0-9]{2,8})");
        }
    }

    /** A VM is a lab host: its name is a host name the lab accepts for a worker. */
    static void checkVm(String name) {
        if (name == null || !HOST.matcher(name).matches() || RESERVED.matcher(name).matches()) {
            throw new ProviderException(ProviderException.Kind.INVALID, name,
                    "invalid VM name '" + name + "' (a lab host name: [a-z0-9]{1,8}, not dns, br, vms, tls, manager…, mgr…)");
        }
    }

    /** {@code <labdir>/vms/<name>}: under the lab's own directory, so {@code lab down} removes it too. */
    static Path vmDir(Path labDir, String name) {
        return labDir.resolve("vms").resolve(name);
    }

    static Path pidFile(Path labDir, String name) {
        return vmDir(labDir, name).resolve("run.pid");
    }

    static Path agentLog(Path labDir, String name) {
        return vmDir(labDir, name).resolve("agent.log");
    }

    /** The VM's root and its host's engine ({@code <labdir>/<host>/docker.sock}, the lab's rule), known beforehand. */
    static VmLayout layout(Path labDir, String name) {
        return new VmLayout(vmDir(labDir, name).resolve("root"),
                Optional.of(URI.create("unix://" + labDir.resolve(name).resolve("docker.sock"))));
    }

    /** The key of a host's value in the lab's env: {@code LAB_HOST_BLUE1_ADDR}. */
    static String envKey(String host, String what) {
        return "LAB_HOST_" + host.toUpperCase(Locale.ROOT) + "_" + what;
    }
}
