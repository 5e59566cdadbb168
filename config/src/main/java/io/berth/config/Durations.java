package io.berth.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** berth-agent's one duration syntax, for the config and the command line alike: {@code <n>ms|s|m|h}, more than 0. */
public final class Durations {

    // Nine digits: even 999999999h fits a Duration, so no overflow to guard against.
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    private Durations() {
    }

    /** Parses {@code 500ms}, {@code 90s}, {@code 2m} or {@code 1h}; anything else is an IllegalArgumentException. */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration like 500ms, 90s, 2m or 1h: " + ConfigLoader.quote(text));
        }
        long n = Long.parseLong(m.group(1));
        if (n == 0) {
            throw new IllegalArgumentException("must be more than 0: " + ConfigLoader.quote(text));
        }
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
