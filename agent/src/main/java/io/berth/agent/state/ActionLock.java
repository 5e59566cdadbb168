package io.berth.agent.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An OS file lock in stateDir, so two runs of boot or shutdown never interleave. The kernel frees it when the
 * holder dies, so a SIGKILLed run never leaves it stuck.
 */
public final class ActionLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private ActionLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, waiting until {@code until} for a running holder to finish. */
    public static ActionLock take(Path stateDir, String action, Instant until) throws IOException, InterruptedException {
        Files.createDirectories(stateDir);
        FileChannel channel = FileChannel.open(stateDir.resolve("agent.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new ActionLock(channel, lock);
            }
            if (Instant.now().isAfter(until)) {
                channel.close();
                throw new IOException("another berth-agent holds " + stateDir.resolve("agent.lock")
                        + ": not running " + action + " alongside it");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } catch (java.nio.channels.ClosedChannelException interrupted) {
            // An interrupted holder's channel is closed, and with it the lock released.
        }
        channel.close();
    }
}
