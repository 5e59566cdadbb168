package io.berth.agent.dns;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The agent's ownership mark on an RRset, kept in its comment: {@code account} = the owner label, {@code content} =
 * {@code berth identity <uuid>}. An RRset is ours (same identity), foreign (another berth identity) or unmarked.
 */
public record Mark(String owner, String identity) {

    /** What every berth mark starts with: a comment with this prefix and another identity is a foreign mark. */
    public static final String PREFIX = "berth identity ";

    /** PowerDNS's SQL schemas hold {@code comments.account} in VARCHAR(40) (sqlite ignores it, others do not). */
    public static final int MAX_OWNER = 40;

    public Mark {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(identity, "identity");
        if (owner.isBlank() || owner.length() > MAX_OWNER) {
            throw new IllegalArgumentException("owner label must be 1 to " + MAX_OWNER + " characters: '" + owner + "'");
        }
        try {
            // Normalised so that a mark written as upper case still reads as ours.
            identity = UUID.fromString(identity).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("identity must be a UUID: '" + identity + "'", e);
        }
    }

    /** The comment the agent writes on its RRsets. */
    public Comment comment() {
        return new Comment(PREFIX + identity, owner);
    }

    /** True if the comment is our mark (the owner label may differ: it is a label, the identity decides). */
    public boolean isOurs(Optional<Comment> comment) {
        return identityOf(comment).filter(identity::equals).isPresent();
    }

    /** True if the comment is a berth mark of another identity. */
    public boolean isForeign(Optional<Comment> comment) {
        return identityOf(comment).filter(other -> !other.equals(identity)).isPresent();
    }

    /** The identity a berth mark names (lower-cased), or empty for an unmarked comment. */
    public static Optional<String> identityOf(Optional<Comment> comment) {
        return comment.map(Comment::content)
                .filter(content -> content.startsWith(PREFIX))
                .map(content -> content.substring(PREFIX.length()).strip().toLowerCase(Locale.ROOT));
    }
}
