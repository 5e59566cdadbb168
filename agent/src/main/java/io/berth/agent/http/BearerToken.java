package io.berth.agent.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a request's {@code Authorization: Bearer …} against the token file. The file is read on every check, so a
 * rotated token applies at once and the token never sits in memory between requests.
 */
final class BearerToken {

    /** What a check found. */
    enum Verdict { ACCEPTED, DISABLED, MISSING, WRONG, UNREADABLE }

    private static final String SCHEME = "bearer ";

    private final Optional<Path> file;

    BearerToken(Optional<Path> file) {
        this.file = file;
    }

    /** Judges the raw Authorization header value, if any. */
    Verdict check(Optional<String> authorization) {
        if (file.isEmpty()) {
            return Verdict.DISABLED;
        }
        Optional<String> presented = authorization
                .filter(value -> value.length() > SCHEME.length()
                        && value.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME))
                .map(value -> value.substring(SCHEME.length()).strip())
                .filter(token -> !token.isEmpty());
        if (presented.isEmpty()) {
            return Verdict.MISSING;
        }
        String expected;
        try {
            expected = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return Verdict.UNREADABLE;
        }
        if (expected.isEmpty()) {
            // An empty file must not mean "any empty token": refuse until someone writes a token.
            return Verdict.UNREADABLE;
        }
        // Comparing digests keeps the time constant in content and in length.
        return MessageDigest.isEqual(sha256(expected), sha256(presented.get())) ? Verdict.ACCEPTED : Verdict.WRONG;
    }

    /** The file checks read, for messages (a path, never its content). */
    Optional<Path> file() {
        return file;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
