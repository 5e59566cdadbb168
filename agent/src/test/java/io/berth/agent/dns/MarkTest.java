package io.berth.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MarkTest {

    static final String ID = "3f2a7c1e-9b4d-4e0a-8c6f-1d2e3f4a5b6c";
    static final String OTHER = "00000000-0000-4000-8000-000000000001";
    final Mark mark = new Mark("pool-blue", ID);

    @Test
    void commentCarriesOwnerAsAccountAndIdentityAsContent() {
        assertEquals(new Comment("berth identity " + ID, "pool-blue"), mark.comment());
    }

    @Test
    void ourMarkIsOursEvenUnderAnotherOwnerLabelOrCase() {
        assertTrue(mark.isOurs(Optional.of(mark.comment())));
        assertTrue(mark.isOurs(Optional.of(new Comment("berth identity " + ID.toUpperCase(), "renamed"))));
        assertFalse(mark.isForeign(Optional.of(mark.comment())));
    }

    @Test
    void anotherBerthIdentityIsForeign() {
        Optional<Comment> other = Optional.of(new Comment("berth identity " + OTHER, "pool-green"));
        assertTrue(mark.isForeign(other));
        assertFalse(mark.isOurs(other));
        assertEquals(Optional.of(OTHER), Mark.identityOf(other));
    }

    @Test
    void anythingElseIsUnmarked() {
        for (Optional<Comment> comment : java.util.List.of(Optional.<Comment>empty(),
                Optional.of(new Comment("added by hand", "ops")),
                Optional.of(new Comment("berth identity" + ID, "")))) {
            assertFalse(mark.isOurs(comment), comment.toString());
            assertFalse(mark.isForeign(comment), comment.toString());
        }
    }

    @Test
    void identityMustBeAUuidAndOwnerFitTheSchemasForty() {
        assertEquals(ID, new Mark("x", ID.toUpperCase()).identity());
        assertThrows(IllegalArgumentException.class, () -> new Mark("x", "w1"));
        new Mark("o".repeat(40), ID);
        assertThrows(IllegalArgumentException.class, () -> new Mark("o".repeat(41), ID));
        assertThrows(IllegalArgumentException.class, () -> new Mark(" ", ID));
    }
}
