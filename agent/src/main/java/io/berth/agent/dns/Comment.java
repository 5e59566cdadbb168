package io.berth.agent.dns;

import java.util.Objects;

/** A PowerDNS RRset comment: free text and the account it is filed under (the agent's mark lives here). */
public record Comment(String content, String account) {

    public Comment {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(account, "account");
    }
}
