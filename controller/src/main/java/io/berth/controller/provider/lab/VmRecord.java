package io.berth.controller.provider.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controller.provider.Vm;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The provider's own record of a lab VM, {@code <labdir>/vms/<name>/vm.json}. It is written before the lab host
 * exists, so a create that was killed half way is still seen ({@link Status#CREATING}), and it names the agent's
 * config so that powering on and shutting down need only the {@link Vm}.
 */
record VmRecord(String id, String name, String pool, Status status, Path agentConfig) {

    static final String FILE = "vm.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Status { CREATING, CREATED }

    VmRecord created() {
        return new VmRecord(id, name, pool, Status.CREATED, agentConfig);
    }

    /** What the VM is now: a record still {@code creating} is CREATING whatever runs; else ON while its agent runs. */
    Vm.State state(boolean agentRunning) {
        if (status == Status.CREATING) {
            return Vm.State.CREATING;
        }
        return agentRunning ? Vm.State.ON : Vm.State.OFF;
    }

    String toJson() {
        ObjectNode node = JSON.createObjectNode()
                .put("id", id)
                .put("name", name)
                .put("pool", pool)
                .put("state", status.name().toLowerCase(Locale.ROOT))
                .put("agentConfig", agentConfig.toString());
        return node.toPrettyString() + "\n";
    }

    static VmRecord parse(String json) throws IOException {
        JsonNode node = JSON.readTree(json);
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        String id = text(node, "id");
        String name = text(node, "name");
        String pool = text(node, "pool");
        String state = text(node, "state");
        Status status = switch (state) {
            case "creating" -> Status.CREATING;
            case "created" -> Status.CREATED;
            default -> throw new IOException("state: expected creating or created, not \"" + state + "\"");
        };
        return new VmRecord(id, name, pool, status, Path.of(text(node, "agentConfig")));
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IOException(field + ": missing");
        }
        return value.asText();
    }

    /** The record in {@code vmDir}, empty if there is none; an unreadable one is an IOException naming the file. */
    static Optional<VmRecord> read(Path vmDir) throws IOException {
        Path file = vmDir.resolve(FILE);
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(json));
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"), e);
        }
    }

    /** Writes the record atomically (temp file, fsync, rename): a reader sees the old record or the new one. */
    void write(Path vmDir) throws IOException {
        Files.createDirectories(vmDir);
        Path tmp = vmDir.resolve(FILE + ".tmp");
        Files.writeString(tmp, toJson());
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, vmDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
