package io.berth.agent.dns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** PowerDNS API JSON ↔ {@link RRset} / {@link RRsetChange}. */
final class PdnsJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PdnsJson() {
    }

    /**
     * The RRset {@code name}/{@code type} in a zone GET's body, if it has records. Matching is done here, not left
     * to the filter: 4.7 answers a filtered GET with a records-less, comment-only entry for EVERY commented RRset
     * of the zone (pdns issue 14539, fixed upstream by PR 14045), and echoes the filter's spelling of the name.
     */
    static Optional<RRset> find(String body, String name, String type) throws JsonProcessingException {
        for (JsonNode rrset : JSON.readTree(body).path("rrsets")) {
            if (rrset.path("name").asText().equalsIgnoreCase(name) && rrset.path("type").asText().equals(type)
                    && !rrset.path("records").isEmpty()) {
                return Optional.of(rrset(rrset));
            }
        }
        return Optional.empty();
    }

    /** Every RRset in a zone GET's body that has records. */
    static List<RRset> all(String body) throws JsonProcessingException {
        List<RRset> all = new ArrayList<>();
        for (JsonNode rrset : JSON.readTree(body).path("rrsets")) {
            if (!rrset.path("records").isEmpty()) {
                all.add(rrset(rrset));
            }
        }
        return all;
    }

        /** One {@code rrsets[]} entry: enabled records only (a disabled record does not resolve). */
    static RRset rrset(JsonNode node) {
        List<String> contents = new ArrayList<>();
        for (JsonNode record : node.path("records")) {
            if (!record.path("disabled").asBoolean(false)) {
                contents.add(record.path("content").asText());
            }
        }
        return new RRset(Names.absolute(node.path("name").asText()), node.path("type").asText(),
                node.path("ttl").asInt(), contents, comment(node.path("comments")));
    }

    /** The comment that decides ownership: a berth mark if there is one, else the first comment. */
    private static Optional<Comment> comment(JsonNode comments) {
        Optional<Comment> first = Optional.empty();
        for (JsonNode node : comments) {
            Comment comment = new Comment(node.path("content").asText(), node.path("account").asText());
            if (comment.content().startsWith(Mark.PREFIX)) {
                return Optional.of(comment);
            }
            if (first.isEmpty()) {
                first = Optional.of(comment);
            }
        }
        return first;
    }

    /** A PATCH body: {@code {"rrsets": [...]}} with REPLACE (records, ttl, comments) or DELETE entries. */
    static String patch(List<RRsetChange> changes) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode rrsets = body.putArray("rrsets");
        for (RRsetChange change : changes) {
            ObjectNode entry = rrsets.addObject().put("name", change.name()).put("type", change.type());
            switch (change) {
                case RRsetChange.Replace replace -> {
                    RRset rrset = replace.rrset();
                    entry.put("ttl", rrset.ttl()).put("changetype", "REPLACE");
                    ArrayNode records = entry.putArray("records");
                    rrset.contents().forEach(content -> records.addObject().put("content", content)
                            .put("disabled", false));
                    // Always sent: a REPLACE without "comments" would keep the RRset's old comment (an old mark).
                    ArrayNode comments = entry.putArray("comments");
                    rrset.comment().ifPresent(comment -> comments.addObject()
                            .put("content", comment.content()).put("account", comment.account()));
                }
                case RRsetChange.Delete delete -> entry.put("changetype", "DELETE");
            }
        }
        return body.toString();
    }

    /** The {@code error} text of an error body, else the body itself (shortened, one line), else empty. */
    static String error(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (JsonProcessingException notJson) {
            // 4.7 answers 401 and 404 in plain text ("Unauthorized", "Not Found").
        }
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
