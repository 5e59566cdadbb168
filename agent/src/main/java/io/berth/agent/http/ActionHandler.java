package io.berth.agent.http;

import io.berth.agent.log.Log;
import io.berth.agent.http.AgentApi.ActionResult;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.concurrent.Callable;

/**
 * {@code POST /v1/drain} and {@code POST /v1/activate}: the bearer token first, then the agent's action. Never open
 * without a token file, and the token is neither logged nor echoed.
 */
final class ActionHandler implements Handler {

    /** The body of a successful action. */
    record Done(boolean changed, String message) {
    }

    private static final int MAX_MESSAGE = 300;

    private final String name;
    private final BearerToken token;
    private final Callable<ActionResult> action;

    ActionHandler(String name, BearerToken token, Callable<ActionResult> action) {
        this.name = name;
        this.token = token;
        this.action = action;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        switch (token.check(req.headers().first(HeaderNames.AUTHORIZATION))) {
            case DISABLED -> Json.error(res, Status.FORBIDDEN_403, "disabled: no api.tokenFile configured");
            case MISSING -> {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                Json.error(res, Status.UNAUTHORIZED_401, "missing bearer token");
            }
            case WRONG -> Json.error(res, Status.FORBIDDEN_403, "wrong bearer token");
            case UNREADABLE -> {
                Log.warn("api: " + name + " refused: token file " + token.file().orElseThrow()
                        + " is unreadable or empty");
                Json.error(res, Status.FORBIDDEN_403, "refused: api.tokenFile is unreadable or empty");
            }
            case ACCEPTED -> run(res);
        }
    }

    private void run(ServerResponse res) {
        ActionResult result;
        try {
            result = action.call();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // the server is stopping
            }
            // 502: the agent is up, what it asked of a manager or the engine failed.
            String why = oneLine(e);
            Log.warn("api: " + name + " failed: " + why);
            Json.error(res, Status.BAD_GATEWAY_502, name + " failed: " + why);
            return;
        }
        if (result.refused()) {
            Log.info("api: " + name + " refused: " + result.message());
            Json.error(res, Status.CONFLICT_409, result.message());
            return;
        }
        Log.info("api: " + name + (result.changed() ? " done: " : " unchanged: ") + result.message());
        Json.send(res, Status.OK_200, new Done(result.changed(), result.message()));
    }

    /** The first line of the message, bounded: enough to act on, never a stack trace. */
    static String oneLine(Exception e) {
        String message = e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName()
                : e.getMessage().strip().lines().findFirst().orElse("");
        return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "…";
    }
}
