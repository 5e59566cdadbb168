package io.berth.controller.provider.lab;

import io.berth.controller.provider.Provider;
import io.berth.controller.provider.ProviderException;
import io.berth.controller.provider.ProviderException.Kind;
import io.berth.controller.provider.ProviderTasks;
import io.berth.controller.provider.Vm;
import io.berth.controller.provider.VmLayout;
import io.berth.controller.provider.VmSpec;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.CodeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * VMs on a running lab ({@code lab/lab}): a VM is a lab host (a network namespace with its own dockerd) whose
 * "image service" is {@code berth-agent run}, started inside the host with {@code lab exec}, so it boots,
 * registers its record and joins the Swarm on its own, as a LinuxKit worker does. The provider's truth lives under
 * the lab's own directory ({@code <labdir>/vms/<name>/}: {@code vm.json}, {@code run.pid}, {@code agent.log},
 * {@code root/}), so {@code lab down} removes it with the lab.
 */
public final class LabProvider implements Provider {

    public static final int DEFAULT_PARALLELISM = 8;

    // Bounds of the lab commands: each waits for engines (the lab's own waits are 60 s) or stops them (40 s + reap).
    // lab env only reads, but it is a shell script: with a pool of 8 booting on 2 cores it took over 15 s.
    private static final Duration ENV = Duration.ofSeconds(60);
    private static final Duration ADD_HOST = Duration.ofSeconds(150);
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(90);
    private static final Duration REMOVE_HOST = Duration.ofSeconds(90);
    /** As LinuxKit: a service gets 5 s after SIGTERM, then SIGKILL. */
    private static final Duration TERM_GRACE = Duration.ofSeconds(5);
    /**
     * What guestShutdown keeps back from the agent's deadline: the shutdown's JVM start and its 2 s overrun
     * guarantee (3 s), then SIGTERM's grace (5 s) and stopping the engine (~1 s), with a little to spare.
     */
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(10);
    private static final Duration SHUTDOWN_OVERRUN = Duration.ofSeconds(3);
    private static final Duration MIN_SHUTDOWN_WITHIN = SHUTDOWN_MARGIN.plusSeconds(5);

    private final String lab;
    private final Path labDir;
    private final Path agent;
    private final Path script;
    private final ProviderTasks tasks;
    /** One task at a time per VM name: two creates (or a create and a destroy) of one VM must not interleave. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    private LabProvider(String lab, Path labDir, Path agent, Path script, int parallelism) {
        this.lab = lab;
        this.labDir = labDir;
        this.agent = agent;
        this.script = script;
        this.tasks = new ProviderTasks("lab-provider-" + lab, parallelism, describe(), LabProvider::translate);
    }

    /** The lab {@code lab}, its script found beside the berth install ({@link #installedLabScript()}), 8 tasks at a time. */
    public static LabProvider open(String lab, Path agentLauncher) {
        return open(lab, agentLauncher, installedLabScript(), DEFAULT_PARALLELISM);
    }

    /**
     * The running lab {@code lab}, driven through {@code labScript}, starting {@code agentLauncher} (berth-agent) in
     * its hosts, at most {@code parallelism} tasks at a time. Asks the lab for its directory once (bounded): a lab
     * that does not exist is a NOT_FOUND here.
     */
    public static LabProvider open(String lab, Path agentLauncher, Path labScript, int parallelism) {
        LabNames.checkLab(lab);
        if (parallelism < 1) {
            throw new ProviderException(Kind.INVALID, null, "parallelism must be at least 1, not " + parallelism);
        }
        Path agent = agentLauncher.toAbsolutePath().normalize();
        Path script = labScript.toAbsolutePath().normalize();
        for (Path p : List.of(agent, script)) {
            if (!Files.isExecutable(p)) {
                throw new ProviderException(Kind.INVALID, null, "not an executable file: " + p);
            }
        }
        Map<String, String> env = env(script, lab, null);
        String dir = env.get("LAB_DIR");
        if (dir == null) {
            throw new ProviderException(Kind.FAILED, null, "lab env --lab " + lab + " names no LAB_DIR");
        }
        return new LabProvider(lab, Path.of(dir), agent, script, parallelism);
    }

    /** {@code lab/lab} in the directory of the berth jar (or classes) or the nearest parent that has one. */
    public static Path installedLabScript() {
        CodeSource source = LabProvider.class.getProtectionDomain().getCodeSource();
        try {
            Path here = source == null ? Path.of("") : Path.of(source.getLocation().toURI());
            for (Path dir = here.toAbsolutePath(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("lab").resolve("lab");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            // Not a file location: nothing to look beside.
        }
        throw new ProviderException(Kind.INVALID, null, "lab/lab not found beside the berth install: give its path");
    }

    @Override
    public String describe() {
        return "lab " + lab;
    }

    @Override
    public VmLayout layout(String name) {
        LabNames.checkVm(name);
        return LabNames.layout(labDir, name);
    }

    @Override
    public CompletableFuture<List<Vm>> list(Optional<String> pool) {
        return task(null, () -> {
            Map<String, String> env = env(script, lab, null);
            List<Vm> vms = new ArrayList<>();
            Path vmsDir = labDir.resolve("vms");
            if (!Files.isDirectory(vmsDir)) {
                return vms;
            }
            List<Path> dirs;
            try (Stream<Path> s = Files.list(vmsDir)) {
                dirs = s.filter(Files::isDirectory).sorted().toList();
            }
            for (Path dir : dirs) {
                // A directory without a record is what a destroy interrupted at its very end leaves: nothing.
                Optional<VmRecord> record = VmRecord.read(dir).filter(r -> !removedBehindOurBack(r, env));
                if (record.isPresent() && pool.map(record.get().pool()::equals).orElse(true)) {
                    vms.add(vmOf(record.get(), env));
                }
            }
            return vms;
        });
    }

    @Override
    public CompletableFuture<Vm> create(VmSpec spec) {
        return task(spec.name(), () -> {
            check(spec);
            synchronized (lock(spec.name())) {
                Path dir = LabNames.vmDir(labDir, spec.name());
                Optional<VmRecord> existing = VmRecord.read(dir);
                Map<String, String> env = env(script, lab, spec.name());
                boolean hostExists = hostExists(env, spec.name());
                if (existing.isPresent() && removedBehindOurBack(existing.get(), env)) {
                    deleteTree(dir);   // what is left of a VM that is gone: its name is free
                    existing = Optional.empty();
                }
                if (existing.isPresent()) {
                    VmRecord old = existing.get();
                    if (!old.id().equals(spec.id())) {
                        throw new ProviderException(Kind.CONFLICT, spec.name(), "exists with another id (" + old.id() + ")");
                    }
                    if (old.status() == VmRecord.Status.CREATED) {
                        return vmOf(old, env(script, lab, spec.name()));
                    }
                    // An interrupted create of this very VM: its host never ran an agent; start it afresh.
                    if (hostExists) {
                        labCommand(REMOVE_HOST, spec.name(), "remove-host", spec.name());
                    }
                } else if (hostExists) {
                    throw new ProviderException(Kind.CONFLICT, spec.name(), "a lab host of that name exists that is no VM of this provider");
                }
                VmRecord record = new VmRecord(spec.id(), spec.name(), spec.pool(), VmRecord.Status.CREATING,
                        spec.agentConfig());
                record.write(dir);
                // Created powered off: a VM that is off runs no engine either.
                labCommand(ADD_HOST, spec.name(), "add-host", "--stopped", spec.name());
                for (VmSpec.VmFile file : spec.files()) {
                    place(file);
                }
                VmRecord created = record.created();
                created.write(dir);
                return vmOf(created, env(script, lab, spec.name()));
            }
        });
    }

    @Override
    public CompletableFuture<Vm> powerOn(Vm vm) {
        return task(vm.name(), () -> {
            synchronized (lock(vm.name())) {
                VmRecord record = createdRecord(vm);
                if (running(record).isEmpty()) {
                    labCommand(START, vm.name(), "start", vm.name());
                    startAgent(record);
                }
                return vmOf(record, env(script, lab, vm.name()));
            }
        });
    }

    @Override
    public CompletableFuture<String> awaitAddress(Vm vm, Duration within) {
        return task(vm.name(), () -> {
            record(vm).orElseThrow(() -> notFound(vm));
            long end = System.nanoTime() + within.toNanos();
            while (true) {
                String addr = env(script, lab, vm.name()).get(LabNames.envKey(vm.name(), "ADDR"));
                if (addr != null && !addr.isEmpty()) {
                    return addr;
                }
                if (System.nanoTime() >= end) {
                    throw new ProviderException(Kind.TIMEOUT, vm.name(), "no address within " + Commands.seconds(within));
                }
                Thread.sleep(200);
            }
        });
    }

    /**
     * What LinuxKit's {@code onshutdown} does: {@code berth-agent shutdown} inside the host while {@code run} still
     * runs, its deadline {@code within} less a margin for what follows; then SIGTERM to {@code run} (SIGKILL after
     * 5 s) and the host's engine stopped. A VM whose agent does not run is off already: only its engine is stopped.
     */
    @Override
    public CompletableFuture<Vm> guestShutdown(Vm vm, Duration within) {
        return task(vm.name(), () -> {
            if (within.compareTo(MIN_SHUTDOWN_WITHIN) < 0) {
                throw new ProviderException(Kind.INVALID, vm.name(),
                        "guest shutdown needs at least " + Commands.seconds(MIN_SHUTDOWN_WITHIN) + ", not " + Commands.seconds(within));
            }
            synchronized (lock(vm.name())) {
                VmRecord record = createdRecord(vm);
                ProviderException failure = null;
                OptionalLong pid = running(record);
                if (pid.isPresent()) {
                    Duration deadline = within.minus(SHUTDOWN_MARGIN);
                    try {
                        Commands.Result result = Commands.run(inHost(record.name(), agent.toString(), "shutdown",
                                "--config", record.agentConfig().toString(), "--deadline", deadline.toMillis() + "ms"),
                                deadline.plus(SHUTDOWN_OVERRUN), vm.name());
                        appendLog(record.name(), result.output());
                        if (result.exit() != 0) {
                            failure = new ProviderException(Kind.FAILED, vm.name(), "guest shutdown: berth-agent shutdown exited "
                                    + result.exit() + ": " + result.lastLine());
                        }
                    } catch (ProviderException e) {
                        failure = e;
                    }
                    AgentProcess.stop(pid.getAsLong(), TERM_GRACE);
                }
                try {
                    labCommand(STOP, vm.name(), "stop", vm.name());
                } catch (ProviderException e) {
                    throw failure != null ? failure : e;   // the guest's own failure is the news
                }
                if (failure != null) {
                    throw failure;
                }
                return vmOf(record, env(script, lab, vm.name()));
            }
        });
    }

    @Override
    public CompletableFuture<Vm> powerOff(Vm vm) {
        return task(vm.name(), () -> {
            synchronized (lock(vm.name())) {
                VmRecord record = record(vm).orElseThrow(() -> notFound(vm));
                killAgent(record);
                Map<String, String> env = env(script, lab, vm.name());
                if (hostExists(env, vm.name())) {
                    labCommand(STOP, vm.name(), "kill", vm.name());
                }
                return vmOf(record, env);
            }
        });
    }

    /** Kills the agent, removes the lab host, deletes the VM's directory (its record last); gone already is done. */
    @Override
    public CompletableFuture<Void> destroy(Vm vm) {
        return task(vm.name(), () -> {
            synchronized (lock(vm.name())) {
                Path dir = LabNames.vmDir(labDir, vm.name());
                Optional<VmRecord> record = record(vm);
                if (record.isPresent()) {
                    killAgent(record.get());
                    // remove-host also kills whatever else runs in the host (a shutdown of a berth that died).
                    if (hostExists(env(script, lab, vm.name()), vm.name())) {
                        labCommand(REMOVE_HOST, vm.name(), "remove-host", vm.name());
                    }
                }
                deleteTree(dir);
                return null;
            }
        });
    }

    /** Lets running tasks finish (bounded), then stops the rest; started agents live on, as VMs outlive berth. */
    @Override
    public void close() {
        tasks.close();
    }

    // ------------------------------------------------------------------ internals

    private <T> CompletableFuture<T> task(String vm, Callable<T> body) {
        return tasks.run(vm, body);
    }

    /** How the lab's own failures read: a ProviderException as it is, a file's fault in one line. */
    private static ProviderException translate(String vm, Exception e) {
        return switch (e) {
            case ProviderException p -> p;
            case IOException io -> new ProviderException(Kind.FAILED, vm, oneLine(io));
            default -> new ProviderException(Kind.FAILED, vm, e.toString());
        };
    }

    private Object lock(String name) {
        return locks.computeIfAbsent(name, k -> new Object());
    }

    private void check(VmSpec spec) {
        LabNames.checkVm(spec.name());
        try {
            UUID.fromString(spec.id());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ProviderException(Kind.INVALID, spec.name(), "id must be a UUID, not '" + spec.id() + "'");
        }
        if (spec.pool() == null || spec.pool().isBlank()) {
            throw new ProviderException(Kind.INVALID, spec.name(), "pool: required");
        }
        // Everything of a VM lies under its root, so that destroying the VM removes it all.
        Path root = layout(spec.name()).root();
        for (Path p : Stream.concat(spec.files().stream().map(VmSpec.VmFile::path), Stream.of(spec.agentConfig())).toList()) {
            if (!p.isAbsolute() || !p.normalize().startsWith(root) || p.normalize().equals(root)) {
                throw new ProviderException(Kind.INVALID, spec.name(), "file " + p + " is not under the VM's root " + root);
            }
        }
    }

    private Optional<VmRecord> record(Vm vm) throws IOException {
        LabNames.checkVm(vm.name());
        Optional<VmRecord> record = VmRecord.read(LabNames.vmDir(labDir, vm.name()));
        if (record.isPresent() && !record.get().id().equals(vm.id())) {
            throw new ProviderException(Kind.CONFLICT, vm.name(), "is another VM now (id " + record.get().id() + ", not " + vm.id() + ")");
        }
        return record;
    }

    private VmRecord createdRecord(Vm vm) throws IOException {
        VmRecord record = record(vm).orElseThrow(() -> notFound(vm));
        if (record.status() != VmRecord.Status.CREATED) {
            throw new ProviderException(Kind.CONFLICT, vm.name(), "is still being created (create it again to finish)");
        }
        return record;
    }

    private static ProviderException notFound(Vm vm) {
        return new ProviderException(Kind.NOT_FOUND, vm.name(), "no such VM");
    }

    private OptionalLong running(VmRecord record) {
        return AgentProcess.running(LabNames.pidFile(labDir, record.name()), record.agentConfig());
    }

    private Vm vmOf(VmRecord record, Map<String, String> env) {
        return new Vm(record.id(), record.name(), record.pool(), record.state(running(record).isPresent()),
                Optional.ofNullable(env.get(LabNames.envKey(record.name(), "ADDR"))).filter(a -> !a.isEmpty()));
    }

    /**
     * A created VM whose lab host is gone was removed behind the provider's back (as a VM deleted in vCenter's own
     * UI): the VM is gone, whatever its record says. A record still CREATING is an interrupted create, listed.
     */
    private static boolean removedBehindOurBack(VmRecord record, Map<String, String> env) {
        return record.status() == VmRecord.Status.CREATED && !hostExists(env, record.name());
    }

    private static boolean hostExists(Map<String, String> env, String name) {
        return env.containsKey(LabNames.envKey(name, "ADDR"));
    }

    /**
     * Starts {@code berth-agent run} in the host, detached from berth so it outlives it: a session of its own
     * ({@code setsid} execs in place: a child of the JVM is no group leader, so the pid stays the agent's), stdin
     * from /dev/null, its output appended to agent.log, a clean environment.
     */
    private void startAgent(VmRecord record) throws IOException {
        List<String> command = new ArrayList<>(List.of("setsid"));
        command.addAll(inHost(record.name(), agent.toString(), "run", "--config", record.agentConfig().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LabNames.agentLog(labDir, record.name()).toFile()))
                .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(Commands.cleanEnvironment(System.getenv()));
        Process process = builder.start();
        AgentProcess.writePid(LabNames.pidFile(labDir, record.name()), process.pid());
    }

    private void killAgent(VmRecord record) throws InterruptedException {
        OptionalLong pid = running(record);
        if (pid.isPresent()) {
            AgentProcess.stop(pid.getAsLong(), Duration.ZERO);
        }
    }

    private List<String> inHost(String host, String... command) {
        List<String> full = new ArrayList<>(List.of(script.toString(), "exec", "--lab", lab, host, "--"));
        full.addAll(List.of(command));
        return full;
    }

    private void labCommand(Duration timeout, String vm, String... args) {
        List<String> command = new ArrayList<>(List.of(script.toString(), args[0], "--lab", lab));
        command.addAll(List.of(args).subList(1, args.length));
        Commands.lab(command, timeout, vm);
    }

    /** The lab's env ({@code LAB_*} lines of {@code lab env}), read anew: it is the lab's truth about its hosts. */
    /** {@code lab null}: the only lab there is (what {@code berth init --lab} without a name asks for). */
    static Map<String, String> env(Path script, String lab, String vm) {
        List<String> command = new ArrayList<>(List.of(script.toString(), "env"));
        if (lab != null) {
            command.addAll(List.of("--lab", lab));
        }
        Commands.Result result = Commands.lab(command, ENV, vm);
        Map<String, String> env = new HashMap<>();
        for (String line : result.output().split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("LAB_") && eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return env;
    }

    /** Writes one file of the VM (temp file, then rename), its directories created; a secret readable by root only. */
    private static void place(VmSpec.VmFile file) throws IOException {
        Path path = file.path().normalize();
        Files.createDirectories(path.getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        var mode = PosixFilePermissions.fromString(file.secret() ? "rw-------" : "rw-r--r--");
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(mode));
        Files.setPosixFilePermissions(tmp, mode);   // as asked, whatever the umask
        Files.write(tmp, file.content(), StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void appendLog(String name, String output) throws IOException {
        Files.writeString(LabNames.agentLog(labDir, name), output, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Deletes a VM's directory, its record last: an interrupted delete still shows the VM, and a rerun finishes it. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Path record = dir.resolve(VmRecord.FILE);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(record) && !p.equals(dir)).toList();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
        Files.deleteIfExists(record);
        Files.deleteIfExists(dir);
    }

    private static String oneLine(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file: " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        return String.valueOf(e.getMessage());
    }
}
