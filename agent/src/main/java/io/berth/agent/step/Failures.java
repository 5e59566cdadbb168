package io.berth.agent.step;

import com.github.dockerjava.api.exception.DockerException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Which failures a step may outlast by trying again: the one place that sorts them. */
public final class Failures {

    private Failures() {
    }

    /**
     * True for what may pass: an outage, a timeout, a 5xx, a leader election. False for what will fail again as
     * it is: a 4xx about the request, a rejected key or token, a conflict, a bad config.
     */
    public static boolean isTransient(Exception e) {
        if (e instanceof TransientFailure knows) {
            return knows.transientFailure();
        }
        if (e instanceof DockerException docker) {
            return docker.getHttpStatus() >= 500 || docker.getHttpStatus() == 429;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true; // refused, reset, timed out: docker-java wraps these in runtime exceptions
            }
        }
        return false;
    }
}
