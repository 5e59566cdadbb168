package io.berth.controller.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Whether a person is at the other end, and asking them. */
public final class Terminal {

    private Terminal() {
    }

    /** True when stderr is a terminal: a live display may redraw there. */
    public static boolean stderrIsTerminal() {
        return isTerminal(2);
    }

    /**
     * Asks to go on with {@code what} unless {@code yes}; without a terminal on stdin and stderr it refuses (a
     * script must say {@code --yes}). Returns whether to go on.
     */
    public static boolean confirm(boolean yes, String what) {
        if (yes) {
            return true;
        }
        if (!isTerminal(0) || !isTerminal(2)) {
            throw new UsageException(what + ": no terminal to ask; add --yes to go on");
        }
        System.err.print(what + "? [y/N] ");
        System.err.flush();
        try {
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().toLowerCase(Locale.ROOT).matches("y|yes");
        } catch (IOException e) {
            return false;
        }
    }

    /** Linux: what the descriptor is open on; a terminal is a /dev/pts or /dev/tty device. */
    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
