package io.berth.agent.state;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way the agent writes a file in stateDir: a temp file beside it, fsync, then an atomic rename, so a
 * crash leaves the old content or the new, never half of either; the directory is synced so the rename holds. A FileOutputStream, not a channel: an
 * interrupted thread (the run daemon's pass when a shutdown begins) still finishes its write.
 */
public final class StateFile {

    private StateFile() {
    }

    public static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileOutputStream out = new FileOutputStream(temp.toFile())) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.getFD().sync();
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    /** Makes the rename itself durable: without it a crash may bring back the old file, or none. */
    private static void syncDirectory(Path dir) throws IOException {
        // A channel refuses to work for an interrupted thread; the flag is kept for the caller.
        boolean interrupted = Thread.interrupted();
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
