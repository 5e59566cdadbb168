package io.berth.controller.pool;

import io.berth.controller.cli.Terminal;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a command working on many things at once shows while it works, on stderr: in a terminal one line per
 * thing (a VM: created → powered on → address → joined → ready; a service a flip moves: moving → 3 of 4 off the
 * old pool → moved), redrawn as each step ends, with the time since it began; otherwise a plain log line per step.
 */
public abstract class Progress {

    public static Progress forStderr(Iterable<String> vms) {
        return Terminal.stderrIsTerminal() ? new Live(System.err, vms) : new Lines(System.err);
    }

    /** The step {@code step} of {@code vm} ended with {@code message} (or is at it now). */
    public abstract void step(String vm, String step, String message, long sinceNanos);

    public abstract void failed(String vm, String step, String why, long sinceNanos);

    static String seconds(long sinceNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - sinceNanos) / 1e9);
    }

    /** Plain lines, for logs and pipes. */
    static final class Lines extends Progress {
        private final PrintStream out;

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void step(String vm, String step, String message, long since) {
            out.println("info " + vm + ": " + step + ": " + message + " (" + seconds(since) + ")");
        }

        @Override
        public synchronized void failed(String vm, String step, String why, long since) {
            out.println("error " + vm + ": " + step + ": " + why + " (" + seconds(since) + ")");
        }
    }

    /** A line per VM, redrawn in place. */
    static final class Live extends Progress {
        private final PrintStream out;
        private final Map<String, String> lines = new LinkedHashMap<>();
        private boolean drawn;

        Live(PrintStream out, Iterable<String> vms) {
            this.out = out;
            vms.forEach(vm -> lines.put(vm, "waiting"));
            draw();
        }

        @Override
        public synchronized void step(String vm, String step, String message, long since) {
            lines.put(vm, step + ": " + message + "  [" + seconds(since) + "]");
            draw();
        }

        @Override
        public synchronized void failed(String vm, String step, String why, long since) {
            lines.put(vm, "FAILED at " + step + ": " + why + "  [" + seconds(since) + "]");
            draw();
        }

        private void draw() {
            StringBuilder frame = new StringBuilder();
            if (drawn) {
                frame.append("\033[").append(lines.size()).append('A'); // back to the first VM's line
            }
            lines.forEach((vm, line) -> frame.append("\r\033[2K").append(vm).append("  ").append(line).append('\n'));
            out.print(frame);
            out.flush();
            drawn = true;
        }
    }
}
