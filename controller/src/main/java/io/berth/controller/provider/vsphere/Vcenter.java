package io.berth.controller.provider.vsphere;

import io.berth.controller.provider.vsphere.Vim.MoRef;
import io.berth.controller.provider.vsphere.Vim.VimFault;
import io.berth.controller.provider.vsphere.Vim.Xml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.w3c.dom.Element;

/**
 * The vim25 methods berth uses, typed: a session (logged in on first use, again after NotAuthenticated), inventory
 * lookups, VM tasks and the PropertyCollector. The password is read from its file at each login and sent only in
 * the Login call.
 */
final class Vcenter implements AutoCloseable {

    private static final MoRef SERVICE_INSTANCE = new MoRef("ServiceInstance", "ServiceInstance");

    /** What RetrieveServiceContent names: the managers berth calls. */
    record Content(MoRef rootFolder, MoRef propertyCollector, MoRef viewManager, MoRef searchIndex,
                   MoRef sessionManager, MoRef taskManager) {
    }

    /** One object's properties as RetrievePropertiesEx returned them: name → the {@code val} element. */
    record Props(MoRef obj, Map<String, Element> values) {
        Optional<String> text(String name) {
            return Optional.ofNullable(values.get(name)).map(e -> e.getTextContent().strip()).filter(s -> !s.isEmpty());
        }

        /** An {@code ArrayOfOptionValue} property (extraConfig) as key → value. */
        Map<String, String> options(String name) {
            Map<String, String> out = new LinkedHashMap<>();
            Optional.ofNullable(values.get(name)).ifPresent(array -> Xml.children(array).forEach(option ->
                    out.put(Xml.text(option, "key").orElse(""), Xml.text(option, "value").orElse(""))));
            return out;
        }
    }

    /** Beyond a wait's own bound: one round and one call of the poller. */
    private static final Duration CALL_SLACK = Duration.ofSeconds(35);

    private final Vim vim;
    private final Poller poller = new Poller(this::properties);
    private final String user;
    private final Path passwordFile;
    private volatile Content content;
    private volatile boolean loggedIn;

    Vcenter(Vim vim, String user, Path passwordFile) {
        this.vim = vim;
        this.user = user;
        this.passwordFile = passwordFile;
    }

    Content content() throws VimFault, IOException, InterruptedException {
        Content c = content;
        if (c == null) {
            Element r = Vim.returnvals(vim.call("RetrieveServiceContent", SERVICE_INSTANCE, "")).get(0);
            c = new Content(ref(r, "rootFolder"), ref(r, "propertyCollector"), ref(r, "viewManager"),
                    ref(r, "searchIndex"), ref(r, "sessionManager"), ref(r, "taskManager"));
            content = c;
        }
        return c;
    }

    /** Logs in (once); the password read from its file now, so a rotated file is picked up at the next login. */
    synchronized void login() throws VimFault, IOException, InterruptedException {
        if (loggedIn) {
            return;
        }
        String password;
        try {
            password = Files.readString(passwordFile).strip();
        } catch (IOException e) {
            throw new IOException("provider.vsphere.passwordFile: cannot read " + passwordFile);
        }
        vim.call("Login", content().sessionManager(), Xml.el("userName", user) + Xml.el("password", password));
        loggedIn = true;
    }

    /** {@code method} in the session: logged in first, and once more if the session was lost (NotAuthenticated). */
    Element call(String method, MoRef self, String args) throws VimFault, IOException, InterruptedException {
        login();
        try {
            return vim.call(method, self, args);
        } catch (VimFault f) {
            if (!f.type.equals("NotAuthenticated")) {
                throw f;
            }
            synchronized (this) {
                loggedIn = false;
                vim.forgetSession();
            }
            login();
            return vim.call(method, self, args);
        }
    }

    Optional<MoRef> findByInventoryPath(String path) throws VimFault, IOException, InterruptedException {
        return first(call("FindByInventoryPath", content().searchIndex(), Xml.el("inventoryPath", path)));
    }

    Optional<MoRef> findChild(MoRef folder, String name) throws VimFault, IOException, InterruptedException {
        return first(call("FindChild", content().searchIndex(), folder.xml("entity") + Xml.el("name", name)));
    }

    /** The VM whose BIOS UUID is {@code uuid}, in {@code datacenter}. */
    Optional<MoRef> findVmByUuid(MoRef datacenter, String uuid) throws VimFault, IOException, InterruptedException {
        return first(call("FindByUuid", content().searchIndex(), datacenter.xml("datacenter") + Xml.el("uuid", uuid)
                + Xml.el("vmSearch", "true")));
    }

    /** Starts {@code method} (a {@code *_Task}) and returns its task. */
    MoRef task(String method, MoRef self, String args) throws VimFault, IOException, InterruptedException {
        return first(call(method, self, args)).orElseThrow(() -> new IOException(method + ": no task returned"));
    }

    /**
     * Waits until {@code task} ends, within {@code bound}; returns its result (a MoRef for a clone) or throws its
     * error as a VimFault. The poller reads it with every other wait of its round.
     */
    Optional<Element> await(MoRef task, Duration bound) throws VimFault, IOException, InterruptedException {
        Props p = until(task, List.of("info.state", "info.error", "info.result"),
                t -> t.text("info.state").filter(st -> st.equals("success") || st.equals("error")).isPresent(), bound)
                .orElseThrow(() -> new IOException("task " + task.value() + " not done within " + bound.toSeconds()
                        + " s"));
        if (p.text("info.state").orElse("").equals("success")) {
            return Optional.ofNullable(p.values().get("info.result"));
        }
        Element error = p.values().get("info.error");
        Element fault = error == null ? null : Xml.child(error, "fault").orElse(null);
        String type = fault == null ? "" : fault.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "type")
                .replaceFirst(".*:", "");
        throw new VimFault(type.isEmpty() ? "TaskError" : type,
                error == null ? "" : Xml.text(error, "localizedMessage").orElse(""));
    }

    /**
     * {@code obj}'s {@code paths} once {@code done} holds for them, or empty when {@code within} passed first; read
     * by the one poller, so that many waits cost one call a round.
     */
    Optional<Props> until(MoRef obj, List<String> paths, Predicate<Props> done, Duration within)
            throws VimFault, IOException, InterruptedException {
        CompletableFuture<Props> wait = poller.until(obj, paths, done, within);
        try {
            return Optional.of(wait.get(within.plus(CALL_SLACK).toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            return switch (e.getCause()) {
                case TimeoutException timeout -> Optional.empty();
                case VimFault f -> throw f;
                case IOException io -> throw io;
                default -> throw new IOException(String.valueOf(e.getCause().getMessage()));
            };
        } catch (TimeoutException e) {
            wait.cancel(true);
            return Optional.empty();
        }
    }

    /**
     * The tasks vCenter is still running (or has queued) that clone {@code template}: TaskManager's
     * {@code recentTask}, then their {@code info}, in two calls.
     */
    List<MoRef> clonesInFlight(MoRef template) throws VimFault, IOException, InterruptedException {
        List<MoRef> recent = properties(List.of(content().taskManager()), "TaskManager", List.of("recentTask"))
                .stream().findFirst().flatMap(p -> Optional.ofNullable(p.values().get("recentTask")))
                .map(array -> Xml.children(array).stream().map(MoRef::of).toList()).orElse(List.of());
        if (recent.isEmpty()) {
            return List.of();
        }
        return properties(recent, "Task", List.of("info.state", "info.descriptionId", "info.entity")).stream()
                .filter(p -> p.text("info.state").filter(st -> st.equals("running") || st.equals("queued")).isPresent())
                .filter(p -> p.text("info.descriptionId").filter("VirtualMachine.clone"::equals).isPresent())
                .filter(p -> p.text("info.entity").filter(template.value()::equals).isPresent())
                .map(Props::obj).toList();
    }

    /** {@code paths} of each of {@code objects} (all of one {@code type}), in one RetrievePropertiesEx. */
    List<Props> properties(List<MoRef> objects, String type, List<String> paths)
            throws VimFault, IOException, InterruptedException {
        StringBuilder spec = new StringBuilder("<specSet>").append(propSet(type, paths));
        objects.forEach(o -> spec.append("<objectSet>").append(o.xml("obj")).append("<skip>false</skip></objectSet>"));
        spec.append("</specSet>");
        return retrieve(spec.toString());
    }

    /**
     * {@code paths} of every VirtualMachine under {@code folder} (recursively), through a ContainerView: one
     * snapshot of them all, not a call per VM.
     */
    List<Props> vmsUnder(MoRef folder, List<String> paths) throws VimFault, IOException, InterruptedException {
        MoRef view = first(call("CreateContainerView", content().viewManager(), folder.xml("container")
                + Xml.el("type", "VirtualMachine") + Xml.el("recursive", "true")))
                .orElseThrow(() -> new IOException("CreateContainerView: no view returned"));
        try {
            return retrieve("<specSet>" + propSet("VirtualMachine", paths) + "<objectSet>" + view.xml("obj")
                    + "<skip>true</skip><selectSet xsi:type=\"TraversalSpec\"><name>view</name>"
                    + "<type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet>"
                    + "</specSet>");
        } finally {
            call("DestroyView", view, "");
        }
    }

    @Override
    public void close() {
        poller.close();
        try {
            if (loggedIn) {
                vim.call("Logout", content().sessionManager(), "");
            }
        } catch (VimFault | IOException e) {
            // The session expires on its own.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vim.close();
    }

    private List<Props> retrieve(String specSet) throws VimFault, IOException, InterruptedException {
        List<Props> out = new ArrayList<>();
        Element r = call("RetrievePropertiesEx", content().propertyCollector(), specSet
                + "<options><maxObjects>500</maxObjects></options>");
        while (true) {
            Optional<Element> result = Vim.returnvals(r).stream().findFirst();
            if (result.isEmpty()) {
                return out;   // no object matched
            }
            for (Element o : Xml.children(result.get(), "objects")) {
                Map<String, Element> values = new LinkedHashMap<>();
                for (Element p : Xml.children(o, "propSet")) {
                    Xml.child(p, "val").ifPresent(v -> values.put(Xml.text(p, "name").orElse(""), v));
                }
                out.add(new Props(MoRef.of(Xml.child(o, "obj").orElseThrow()), values));
            }
            Optional<String> token = Xml.text(result.get(), "token");
            if (token.isEmpty()) {
                return out;
            }
            r = call("ContinueRetrievePropertiesEx", content().propertyCollector(), Xml.el("token", token.get()));
        }
    }

    private static String propSet(String type, List<String> paths) {
        StringBuilder s = new StringBuilder("<propSet>").append(Xml.el("type", type));
        paths.forEach(p -> s.append(Xml.el("pathSet", p)));
        return s.append("</propSet>").toString();
    }

    private static Optional<MoRef> first(Element response) {
        return Vim.returnvals(response).stream().findFirst().map(MoRef::of);
    }

    private static MoRef ref(Element parent, String name) throws IOException {
        return Xml.child(parent, name).map(MoRef::of)
                .orElseThrow(() -> new IOException("RetrieveServiceContent: no " + name));
    }
}
