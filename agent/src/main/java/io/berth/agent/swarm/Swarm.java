package io.berth.agent.swarm;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.SwarmNode;
import io.berth.agent.state.StateStore;
import io.berth.config.AgentConfig;

/** Small shared facts about Swarm objects and errors. */
final class Swarm {

    /** The node label that ties a Swarm node to the host identity that created it. */
    static final String IDENTITY_LABEL = AgentConfig.Swarm.IDENTITY_LABEL;

    private Swarm() {
    }

    /** One line for an exception: the engine's own message, else the innermost cause. */
    static String describe(Throwable error) {
        if (error instanceof DockerException docker) {
            return docker.getHttpStatus() + " " + firstLine(docker.getMessage());
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : firstLine(message);
    }

    /**
     * "{@code who endpoint} did not answer…" for a call that got no answer, however the failure spells it: the
     * transport's own messages already start with the endpoint ("tcp://m1:2375 did not answer GET … within 5000 ms",
     * "tcp://m1:2375: cannot connect: Connection refused").
     */
    static String unanswered(String who, java.net.URI endpoint, Throwable error) {
        String why = describe(error);
        String prefix = endpoint.toString();
        if (why.startsWith(prefix + " did not answer")) {
            return who + " " + why;
        }
        return who + " " + prefix + " did not answer: " + (why.startsWith(prefix + ": ")
                ? why.substring(prefix.length() + 2) : why);
    }

    /** docker-java's messages are "Status 404: {"message":"…"}" with the JSON on one line; keep it short. */
    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        int json = line.indexOf("{\"message\":\"");
        if (json >= 0) {
            String inner = line.substring(json + 12);
            int end = inner.lastIndexOf("\"}");
            return end >= 0 ? inner.substring(0, end) : inner;
        }
        return line;
    }

    /** The node id boot or shutdown recorded (from the engine, when it joined or before it left). */
    static String currentNode(StateStore state) throws SwarmException {
        return state.get().node().orElseThrow(
                () -> new SwarmException("this host is not in the Swarm (no node id)", false));
    }

    static SwarmNode require(SwarmManagers managers, String nodeId) throws Exception {
        return managers.node(nodeId).orElseThrow(
                () -> new SwarmException("the managers do not list node " + nodeId, false));
    }

    static String state(SwarmNode node) {
        return node.getStatus() == null || node.getStatus().getState() == null
                ? "unknown" : node.getStatus().getState().name().toLowerCase(java.util.Locale.ROOT);
    }

    static String availability(SwarmNode node) {
        return node.getSpec() == null || node.getSpec().getAvailability() == null
                ? "unknown" : node.getSpec().getAvailability().name().toLowerCase(java.util.Locale.ROOT);
    }
}
