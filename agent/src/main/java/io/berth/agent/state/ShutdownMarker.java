package io.berth.agent.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * "A shutdown has begun in this boot": written by {@code shutdown} before it even waits for the lock, so a
 * running {@code run} stops healing at once and never re-registers or rejoins. A later {@code boot} clears
 * it; a new kernel boot makes it stale.
 */
public final class ShutdownMarker {

    private ShutdownMarker() {
    }

    static Path file(Path stateDir) {
        return stateDir.resolve("shutdown-requested");
    }

    public static void request(Path stateDir, String kernelBootId) {
        try {
            StateFile.write(file(stateDir), kernelBootId + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file(stateDir), e);
        }
    }

    public static void clear(Path stateDir) {
        try {
            Files.deleteIfExists(file(stateDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file(stateDir), e);
        }
    }

    public static boolean requested(Path stateDir, String kernelBootId) {
        try {
            return kernelBootId.equals(Files.readString(file(stateDir)).strip());
        } catch (IOException absent) {
            return false;
        }
    }
}
