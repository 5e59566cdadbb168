package io.berth.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** berth-agent's one duration syntax, for the config and the command line alike: {@code <n>ms|s|m|h}, more than 0. */
public final class Durations {

    // Nine digits: even 999999999h fits a Duration, so no overflow to guard against.
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
    private static final long MAX = 999_999_999L;

    private Durations() {
    }

    /** Parses {@code 500ms}, {@code 90s}, {@code 2m} or {@code 1h}; anything else is an IllegalArgumentException. */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration like 500ms, 90s, 2m or 1h: " + Rules.quote(text));
        }
        long n = Long.parseLong(m.group(1));
        if (n == 0) {
            throw new IllegalArgumentException("must be more than 0: " + Rules.quote(text));
        }
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /**
     * The text {@link #parse} reads back as {@code d}, in the largest unit that divides it ({@code 2m}, not
     * {@code 120s}); an IllegalArgumentException when the syntax cannot say it (not more than 0, not whole
     * milliseconds, or too long).
     */
    public static String format(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("must be more than 0: " + Rules.quote(d.toString()));
        }
        if (d.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("not a whole number of milliseconds: " + Rules.quote(d.toString()));
        }
        if (d.getSeconds() > MAX * 3600) {
            throw new IllegalArgumentException("longer than " + MAX + "h: " + Rules.quote(d.toString()));
        }
        long ms = d.toMillis();
        String text = ms % 3_600_000 == 0 ? ms / 3_600_000 + "h"
                : ms % 60_000 == 0 ? ms / 60_000 + "m"
                : ms % 1000 == 0 ? ms / 1000 + "s"
                : ms + "ms";
        if (text.chars().takeWhile(Character::isDigit).count() > 9) {
            throw new IllegalArgumentException("not a duration like 500ms, 90s, 2m or 1h: " + Rules.quote(d.toString()));
        }
        return text;
    }
}
