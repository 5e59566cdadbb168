package io.berth.controller.cli;

/** A request berth will not carry out as asked (exit 2): a missing --yes without a TTY, a pool berth.yml lacks. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
