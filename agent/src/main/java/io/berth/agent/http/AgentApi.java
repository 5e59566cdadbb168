package io.berth.agent.http;

import java.util.Map;

/** What the HTTP API asks of the running agent. The daemon implements it; tests fake it. */
public interface AgentApi {

    /** The agent's current status (never a secret). */
    AgentStatus status();

    /** The host's facts, under Ansible's names where they overlap ("unknown" where unreadable). */
    Map<String, Object> facts();

    /** Drains this host's node through a manager, as an operator would; the drain is recorded as the operator's. */
    ActionResult drain() throws Exception;

    /** Makes this host's node active again; refused while a shutdown is in progress. */
    ActionResult activate() throws Exception;

    /** The outcome of drain or activate: whether it changed anything, one line, or a refusal (HTTP 409). */
    record ActionResult(boolean changed, String message, boolean refused) {
    }
}
