package io.berth.controller.cli;

/** A request berth will not carry out as asked (exit 2): a missing --yes without a TTY, a pool berth.yml lacks. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message, null, false, false);
    }

    /** A duration option's value ({@code 90s}, {@code 5m}); a bad one is a usage error naming the option. */
    public static java.time.Duration duration(String option, String text) {
        try {
            return io.berth.config.Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }
}
