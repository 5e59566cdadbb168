package io.berth.agent.swarm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a Swarm join token comes from: the configured file (read only when the join happens), or a value handed in
 * (an Ansible task's {@code join_token}). It never prints itself.
 */
public sealed interface JoinToken {

    String read() throws IOException;

    static JoinToken file(Path path) {
        return new FromFile(path);
    }

    static JoinToken value(String token) {
        return new Given(token);
    }

    record FromFile(Path path) implements JoinToken {
        @Override
        public String read() throws IOException {
            return Files.readString(path).strip();
        }
    }

    record Given(String token) implements JoinToken {
        @Override
        public String read() {
            return token.strip();
        }

        @Override
        public String toString() {
            return "Given[<token>]";
        }
    }
}
