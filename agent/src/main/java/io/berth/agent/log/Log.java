package io.berth.agent.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * The agent's log: one line per event on stderr, as text or JSON (for a log shipper). Secrets never reach
 * it: they are read from files at the moment of use and no message carries them.
 */
public final class Log {

    /** Severity, lowest first. */
    public enum Level { DEBUG, INFO, WARN, ERROR }

    /** Output shape. */
    public enum Format { TEXT, JSON }

    /** Built on first use: Jackson costs ~0.1 s of start-up that text logs need not pay. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    private static volatile Level threshold = Level.INFO;
    private static volatile Format format = Format.TEXT;
    private static volatile PrintStream out = System.err;

    private Log() {
    }

    public static void configure(Level level, Format shape) {
        threshold = level;
        format = shape;
        // The libraries (docker-java, httpclient, Helidon) log through java.util.logging: only their warnings.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    /** Tests capture the log. */
    public static void to(PrintStream stream) {
        out = stream;
    }

    public static void debug(String message) { log(Level.DEBUG, null, message); }
    public static void info(String message) { log(Level.INFO, null, message); }
    public static void warn(String message) { log(Level.WARN, null, message); }
    public static void error(String message) { log(Level.ERROR, null, message); }

    /** An error as one line: its own message (the agent's are written to be read), else its type. */
    public static String oneLine(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error.getClass().getSimpleName();
        }
        return message.strip().lines().findFirst().orElse(message);
    }

    /** A line about one step of boot or shutdown. */
    public static void step(Level level, String step, String message) {
        log(level, step, message);
    }

    private static void log(Level level, String step, String message) {
        if (level.compareTo(threshold) < 0) {
            return;
        }
        String line;
        if (format == Format.JSON) {
            ObjectNode json = Json.MAPPER.createObjectNode()
                    .put("time", Instant.now().toString())
                    .put("level", level.name().toLowerCase(Locale.ROOT));
            if (step != null) {
                json.put("step", step);
            }
            line = json.put("msg", message).toString();
        } else {
            line = level.name().toLowerCase(Locale.ROOT) + " " + (step == null ? "" : step + ": ") + message;
        }
        synchronized (Log.class) {
            out.println(line);
        }
    }
}
