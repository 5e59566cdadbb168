package io.berth.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PdnsJsonTest {

    /** What 4.7.3 really answered to {@code ?rrset_name=w1.lab.test.&rrset_type=A} (shortened zone fields). */
    static final String GET_BODY = """
            {"id": "lab.test.", "kind": "Native", "name": "lab.test.", "rrsets": [
             {"comments": [{"account": "x", "content": "ctxt", "modified_at": 1795598841}],
              "name": "w3.lab.test.", "records": [], "ttl": 0, "type": "TXT"},
             {"comments": [{"account": "x", "content": "berth identity 00000000-0000-4000-8000-000000000001",
                            "modified_at": 1795598841}],
              "name": "w1.lab.test.", "records": [], "ttl": 0, "type": "TXT"},
             {"comments": [{"account": "ops", "content": "by hand", "modified_at": 1795598832},
                           {"account": "pool-blue", "content": "berth identity 3f2a7c1e-9b4d-4e0a-8c6f-1d2e3f4a5b6c",
                            "modified_at": 1795598832}],
              "name": "W1.lab.test.", "records": [{"content": "10.0.0.5", "disabled": false},
                                                  {"content": "10.0.0.6", "disabled": true}],
              "ttl": 60, "type": "A"}],
             "serial": 2026112502}""";

    @Test
    void findsTheAskedRRsetAmongThePhantomCommentEntriesOf47() throws Exception {
        RRset rrset = PdnsJson.find(GET_BODY, "w1.lab.test.", "A").orElseThrow();
        assertEquals(new RRset("w1.lab.test.", "A", 60, List.of("10.0.0.5"),
                Optional.of(new Comment("berth identity 3f2a7c1e-9b4d-4e0a-8c6f-1d2e3f4a5b6c", "pool-blue"))), rrset);
    }

    @Test
    void aCommentWithoutRecordsIsNoRRset() throws Exception {
        assertEquals(Optional.empty(), PdnsJson.find(GET_BODY, "w1.lab.test.", "TXT"));
        assertEquals(Optional.empty(), PdnsJson.find(GET_BODY, "w3.lab.test.", "TXT"));
        assertEquals(Optional.empty(), PdnsJson.find(GET_BODY, "w2.lab.test.", "A"));
    }

    @Test
    void patchBodyHasReplaceWithRecordsTtlAndCommentsAndDelete() throws Exception {
        String body = PdnsJson.patch(List.of(
                RRsetChange.replace(new RRset("w1.lab.test.", "A", 60, List.of("10.0.0.5"),
                        Optional.of(new Comment("berth identity x", "pool-blue")))),
                RRsetChange.replace(new RRset("w2.lab.test.", "A", 30, List.of("10.0.0.6"), Optional.empty())),
                RRsetChange.delete("9.0.0.10.in-addr.arpa.", "PTR")));
        JsonNode expected = new ObjectMapper().readTree("""
                {"rrsets": [
                  {"name": "w1.lab.test.", "type": "A", "ttl": 60, "changetype": "REPLACE",
                   "records": [{"content": "10.0.0.5", "disabled": false}],
                   "comments": [{"content": "berth identity x", "account": "pool-blue"}]},
                  {"name": "w2.lab.test.", "type": "A", "ttl": 30, "changetype": "REPLACE",
                   "records": [{"content": "10.0.0.6", "disabled": false}], "comments": []},
                  {"name": "9.0.0.10.in-addr.arpa.", "type": "PTR", "changetype": "DELETE"}]}""");
        assertEquals(expected, new ObjectMapper().readTree(body));
    }

    @Test
    void errorTextComesFromJsonElsePlainBody() {
        assertEquals("RRset w1.other. IN A: Name is out of zone",
                PdnsJson.error("{\"error\": \"RRset w1.other. IN A: Name is out of zone\"}"));
        assertEquals("Unauthorized", PdnsJson.error("Unauthorized\n"));
        assertEquals("", PdnsJson.error(""));
        assertEquals(201, PdnsJson.error("x".repeat(500)).length());
    }
}
