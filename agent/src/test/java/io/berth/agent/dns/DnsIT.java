package io.berth.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.agent.step.StepResult;
import io.berth.lab.IntegrationTest;
import io.berth.lab.Lab;
import io.berth.lab.LabEnv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** RecordStep and DeregisterStep against the lab's real PowerDNS 4.7, checked over the API and over DNS. */
@IntegrationTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsIT {

    @Lab(workers = 0)
    static LabEnv lab;

    static final Mark MARK = new Mark("pool-blue", UUID.randomUUID().toString());
    static final Mark OTHER = new Mark("pool-green", UUID.randomUUID().toString());

    static PowerDnsHttp http;
    static DnsQuery resolver;
    static String zone;
    static String rev;
    static String prefix;
    CountingPowerDns dns;

    @BeforeAll
    static void connect() {
        http = new PowerDnsHttp(URI.create(lab.pdnsApi()), lab.pdnsKeyFile(), lab.pdnsServerId(),
                Duration.ofSeconds(5));
        resolver = DnsQuery.of(lab.nameserver(), Duration.ofSeconds(2));
        zone = lab.zone();
        rev = lab.reverseZone();
        String subnet = lab.subnet(); // a.b.c.0/24
        prefix = subnet.substring(0, subnet.lastIndexOf('.'));
    }

    @AfterAll
    static void close() {
        http.close();
    }

    @BeforeEach
    void count() {
        dns = new CountingPowerDns(http);
    }

    RecordStep record(String host, int octet, Mark mark, boolean takeOver) {
        return new RecordStep(dns, zone, Optional.of(rev), host + "." + zone, prefix + "." + octet, 60, mark, takeOver);
    }

    /** A step of a quick pass: the lab's nameserver is asked first. */
    RecordStep quickRecord(String host, int octet, Mark mark) {
        return new RecordStep(dns, Optional.of(resolver), zone, Optional.of(rev), host + "." + zone,
                prefix + "." + octet, 60, mark, false);
    }

    static String ptrName(int octet) {
        return Names.reverseName(prefix + "." + octet);
    }

    @Test
    void registersARecordThatResolvesAndARerunSendsNoPatch() throws Exception {
        int before = http.requests();
        StepResult first = record("reg", 201, MARK, false).run(false);
        assertTrue(first.changed(), first.message());
        assertEquals(List.of(prefix + ".201"), resolver.a("reg." + zone));
        assertEquals(List.of("reg." + zone), resolver.ptr(ptrName(201)));
        assertEquals(1, dns.gets(zone));
        assertEquals(1, dns.gets(rev));
        assertEquals(1, dns.patches(zone));
        assertEquals(1, dns.patches(rev));
        System.out.printf("register: %d HTTP requests (%d retries so far)%n", http.requests() - before, http.retries());

        dns.reset();
        int again = http.requests();
        StepResult second = record("reg", 201, MARK, false).run(false);
        assertFalse(second.changed(), second.message());
        assertTrue(second.message().contains("already registered"), second.message());
        assertEquals(0, dns.patches());
        assertEquals(2, http.requests() - again, "two GETs, nothing else");
        System.out.println("rerun: " + second.message());
    }

    @Test
    void aQuickCheckIsAnsweredByTheNameserverAloneAndAMismatchGoesToTheApi() throws Exception {
        record("quick", 211, MARK, false).run(false);
        int before = http.requests();
        StepResult quick = quickRecord("quick", 211, MARK).run(false);
        assertFalse(quick.changed(), quick.message());
        assertTrue(quick.message().contains("registered (checked by DNS)"), quick.message());
        assertEquals(0, http.requests() - before, "no API request");

        // The TTL changed behind our back: DNS shows it, the API path repairs it.
        http.patch(zone, List.of(RRsetChange.replace(new RRset("quick." + zone, "A", 300, List.of(prefix + ".211"),
                Optional.of(MARK.comment())))));
        before = http.requests();
        StepResult repaired = quickRecord("quick", 211, MARK).run(false);
        assertTrue(repaired.changed(), repaired.message());
        assertEquals(3, http.requests() - before, "two GETs and one PATCH");
        assertEquals(60, http.get(zone, "quick." + zone, "A").orElseThrow().ttl());
        System.out.printf("quick check: %s; after a TTL change: %s%n", quick.message(), repaired.message());
    }

    @Test
    void aPtrWhoseHostStillHoldsTheAddressIsAConflictUntilItMovesOn() throws Exception {
        record("holder", 212, OTHER, false).run(false);
        RecordConflictException e = assertThrows(RecordConflictException.class,
                () -> record("claimer", 212, MARK, false).run(false));
        System.out.println("conflict: " + e.getMessage());
        assertTrue(e.getMessage().contains("holder." + zone) && e.getMessage().contains("claimer." + zone)
                && e.getMessage().contains(prefix + ".212"), e.getMessage());
        assertEquals(List.of("holder." + zone), resolver.ptr(ptrName(212)));
        assertEquals(List.of(), resolver.a("claimer." + zone), "nothing written");

        // The holder's A moved on (its VM gone, the address handed on) and left its PTR behind: it is taken.
        http.patch(zone, List.of(RRsetChange.replace(new RRset("holder." + zone, "A", 60, List.of(prefix + ".213"),
                Optional.of(OTHER.comment())))));
        StepResult taken = record("claimer", 212, MARK, false).run(false);
        assertTrue(taken.message().contains("took over PTR " + ptrName(212)), taken.message());
        assertEquals(List.of("claimer." + zone), resolver.ptr(ptrName(212)));
    }

    @Test
    void contentChangedBehindOurBackIsRepaired() throws Exception {
        record("drift", 202, MARK, false).run(false);
        http.patch(zone, List.of(RRsetChange.replace(new RRset("drift." + zone, "A", 60, List.of("192.0.2.99"),
                Optional.of(MARK.comment())))));
        assertEquals(List.of("192.0.2.99"), resolver.a("drift." + zone));
        dns.reset();

        StepResult result = record("drift", 202, MARK, false).run(false);
        assertTrue(result.changed());
        assertEquals(Map.of("A", "192.0.2.99", "PTR", "drift." + zone), result.before());
        assertEquals(List.of(prefix + ".202"), resolver.a("drift." + zone));
        assertEquals(1, dns.patches(zone));
        assertEquals(0, dns.patches(rev), "the PTR was right: no reverse PATCH");
    }

    @Test
    void newAddressMovesThePtrInOneReversePatch() throws Exception {
        record("move", 203, MARK, false).run(false);
        dns.reset();
        StepResult moved = record("move", 204, MARK, false).run(false);
        assertTrue(moved.message().contains("deleted our old PTR " + ptrName(203)), moved.message());
        assertEquals(List.of(prefix + ".204"), resolver.a("move." + zone));
        assertEquals(List.of("move." + zone), resolver.ptr(ptrName(204)));
        assertEquals(List.of(), resolver.ptr(ptrName(203)));
        assertEquals(1, dns.patches(zone));
        assertEquals(1, dns.patches(rev));
        assertEquals(2, dns.gets(rev), "the new PTR and the old one");
    }

    @Test
    void unmarkedRecordIsAdopted() throws Exception {
        http.patch(zone, List.of(RRsetChange.replace(new RRset("adopt." + zone, "A", 300, List.of(prefix + ".205"),
                Optional.of(new Comment("added by hand", "ops"))))));
        StepResult result = record("adopt", 205, MARK, false).run(false);
        assertTrue(result.message().contains("adopted unmarked record A adopt." + zone), result.message());
        RRset now = http.get(zone, "adopt." + zone, "A").orElseThrow();
        assertEquals(Optional.of(MARK.comment()), now.comment());
        assertEquals(60, now.ttl());
    }

    @Test
    void foreignRecordIsAConflictAndStaysUntilTakenOver() throws Exception {
        RRset theirs = new RRset("taken." + zone, "A", 60, List.of(prefix + ".99"), Optional.of(OTHER.comment()));
        http.patch(zone, List.of(RRsetChange.replace(theirs)));

        RecordConflictException e = assertThrows(RecordConflictException.class,
                () -> record("taken", 206, MARK, false).run(false));
        System.out.println("conflict: " + e.getMessage());
        assertTrue(e.getMessage().contains("taken." + zone) && e.getMessage().contains(OTHER.identity()));
        assertEquals(Optional.of(theirs), http.get(zone, "taken." + zone, "A"));
        assertEquals(List.of(prefix + ".99"), resolver.a("taken." + zone));
        assertEquals(0, dns.patches());

        StepResult taken = record("taken", 206, MARK, true).run(false);
        assertTrue(taken.message().contains("took over A taken." + zone), taken.message());
        assertEquals(List.of(prefix + ".206"), resolver.a("taken." + zone));
        assertTrue(MARK.isOurs(http.get(zone, "taken." + zone, "A").orElseThrow().comment()));
    }

    @Test
    void dryRunChangesNothingOnTheServer() throws Exception {
        int before = http.requests();
        StepResult result = record("dry", 207, MARK, false).run(true);
        assertTrue(result.changed());
        assertTrue(result.message().startsWith("would have created A dry." + zone), result.message());
        assertEquals(2, http.requests() - before, "GETs only");
        assertEquals(Optional.empty(), http.get(zone, "dry." + zone, "A"));
        assertEquals(List.of(), resolver.a("dry." + zone));
        assertEquals(List.of(), resolver.ptr(ptrName(207)));
    }

    @Test
    void aThousandOtherRecordsAreLeftAloneAndOnePatchPerZoneIsSent() throws Exception {
        for (int batch = 0; batch < 4; batch++) {
            List<RRsetChange> changes = new ArrayList<>();
            for (int i = batch * 250; i < (batch + 1) * 250; i++) {
                Optional<Comment> comment = switch (i % 4) {
                    case 0 -> Optional.empty();
                    case 1 -> Optional.of(new Comment("by hand " + i, "ops"));
                    default -> Optional.of(OTHER.comment());
                };
                changes.add(RRsetChange.replace(new RRset("other-" + i + "." + zone, "A", 300,
                        List.of("192.0.2." + (i % 250 + 1)), comment)));
            }
            http.patch(zone, changes);
        }
        Map<String, JsonNode> before = wholeZone(zone);
        assertTrue(before.size() >= 1000, "zone has " + before.size() + " RRsets");
        System.out.printf("a filtered GET in a zone with 750 commented RRsets returns %d bytes (4.7 bug 14539)%n",
                filteredGetBytes(zone, "big." + zone));

        StepResult result = record("big", 208, MARK, false).run(false);
        assertTrue(result.changed());
        assertEquals(1, dns.patches(zone), "exactly one PATCH to the forward zone");
        assertEquals(1, dns.patches(rev));
        assertEquals(1, dns.gets(zone));

        Map<String, JsonNode> after = wholeZone(zone);
        after.remove("big." + zone + " A");
        assertEquals(before, after, "every other RRset is byte-for-byte as it was (comments' modified_at included)");
        assertEquals(List.of(prefix + ".208"), resolver.a("big." + zone));
    }

    @Test
    void deregisterDeletesOursAndItIsGoneAtOnce() throws Exception {
        record("bye", 209, MARK, false).run(false);
        assertEquals(List.of(prefix + ".209"), resolver.a("bye." + zone)); // warm any cache
        dns.reset();

        StepResult result = new DeregisterStep(dns, zone, Optional.of(rev), "bye." + zone, MARK, Optional.empty())
                .run(false);
        assertTrue(result.changed(), result.message());
        assertEquals(1, dns.patches(zone));
        assertEquals(1, dns.patches(rev));
        // No sleep: a PATCH purges the zone from PowerDNS's caches (and the lab runs with caches off anyway).
        assertEquals(List.of(), resolver.a("bye." + zone));
        assertEquals(List.of(), resolver.ptr(ptrName(209)));

        StepResult again = new DeregisterStep(dns, zone, Optional.of(rev), "bye." + zone, MARK,
                Optional.of(prefix + ".209")).run(false);
        assertFalse(again.changed());
        assertTrue(again.message().contains("already gone"), again.message());
    }

    @Test
    void deregisterLeavesAForeignRecordAlone() throws Exception {
        RRset a = new RRset("foreign." + zone, "A", 60, List.of(prefix + ".210"), Optional.of(OTHER.comment()));
        RRset ptr = new RRset(ptrName(210), "PTR", 60, List.of("foreign." + zone), Optional.of(OTHER.comment()));
        http.patch(zone, List.of(RRsetChange.replace(a)));
        http.patch(rev, List.of(RRsetChange.replace(ptr)));

        StepResult result = new DeregisterStep(dns, zone, Optional.of(rev), "foreign." + zone, MARK,
                Optional.of(prefix + ".210")).run(false);
        assertFalse(result.changed(), result.message());
        assertTrue(result.message().contains("belongs to identity " + OTHER.identity()), result.message());
        assertEquals(0, dns.patches());
        assertEquals(Optional.of(a), http.get(zone, "foreign." + zone, "A"));
        assertEquals(Optional.of(ptr), http.get(rev, ptrName(210), "PTR"));
        assertEquals(List.of(prefix + ".210"), resolver.a("foreign." + zone));
    }

    @Test
    void eightHostsRegisteringAtOnceAllGetTheirRecords() throws Exception {
        int retriesBefore = http.retries();
        int lockedBefore = databaseLockedInLog();
        List<String> hosts = new ArrayList<>();
        // Contention is likely, not certain: repeat with fresh names until PowerDNS has refused at least once.
        for (int round = 0; round < 5 && http.retries() == retriesBefore; round++) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                names.add("c" + round + "-" + i);
            }
            int base = 100 + round * 8;
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                List<Future<StepResult>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    RecordStep step = record(names.get(i), base + i, MARK, false);
                    results.add(pool.submit(() -> {
                        go.await();
                        return step.run(false);
                    }));
                }
                go.countDown();
                for (Future<StepResult> result : results) {
                    assertTrue(result.get().changed());
                }
            }
            for (int i = 0; i < 8; i++) {
                assertEquals(List.of(prefix + "." + (base + i)), resolver.a(names.get(i) + "." + zone));
                assertEquals(List.of(names.get(i) + "." + zone), resolver.ptr(ptrName(base + i)));
            }
            hosts.addAll(names);
        }
        int retries = http.retries() - retriesBefore;
        int locked = databaseLockedInLog() - lockedBefore;
        System.out.printf("%d concurrent registrations: %d retried requests; pdns.log gained %d 'database is locked'%n",
                hosts.size(), retries, locked);
        assertTrue(retries > 0, "PowerDNS never refused a concurrent write, so the retry was not exercised");
    }

    @Test
    void realServerErrorsAreClear(@TempDir Path dir) throws Exception {
        Path wrongKey = dir.resolve("key");
        Files.writeString(wrongKey, "not-the-key");
        try (PowerDnsHttp wrong = new PowerDnsHttp(URI.create(lab.pdnsApi()), wrongKey, lab.pdnsServerId(),
                Duration.ofSeconds(5))) {
            DnsException e = assertThrows(DnsException.class, () -> wrong.get(zone, "x." + zone, "A"));
            assertEquals("PowerDNS at " + lab.pdnsApi() + " rejected the API key (401)", e.getMessage());
            assertEquals(1, wrong.requests());
        }
        DnsException missing = assertThrows(DnsException.class, () -> http.get("nope.test.", "x.nope.test.", "A"));
        assertTrue(missing.getMessage().startsWith("zone nope.test. not found on " + lab.pdnsApi()),
                missing.getMessage());
        DnsException rejected = assertThrows(DnsException.class, () -> http.patch(zone, List.of(
                RRsetChange.replace(new RRset("x.elsewhere.test.", "A", 60, List.of("192.0.2.1"), Optional.empty())))));
        assertTrue(rejected.getMessage().endsWith(": RRset x.elsewhere.test. IN A: Name is out of zone (422)"),
                rejected.getMessage());
        String key = Files.readString(lab.pdnsKeyFile()).strip();
        for (DnsException e : List.of(missing, rejected)) {
            assertFalse(e.getMessage().contains(key));
        }
    }

    /** The whole zone, unfiltered (fine in a test, never in the agent): "name type" → RRset JSON, SOA left out. */
    static Map<String, JsonNode> wholeZone(String zone) throws Exception {
        Map<String, JsonNode> rrsets = new TreeMap<>();
        for (JsonNode rrset : new ObjectMapper().readTree(rawGet(zone, "")).path("rrsets")) {
            if (!rrset.path("type").asText().equals("SOA")) {
                rrsets.put(rrset.path("name").asText() + " " + rrset.path("type").asText(), rrset);
            }
        }
        return rrsets;
    }

    static int filteredGetBytes(String zone, String name) throws Exception {
        return rawGet(zone, "?rrset_name=" + name + "&rrset_type=A").length();
    }

    static String rawGet(String zone, String query) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(lab.pdnsApi() + "/api/v1/servers/"
                        + lab.pdnsServerId() + "/zones/" + zone + query))
                .header("X-API-Key", Files.readString(lab.pdnsKeyFile()).strip())
                .timeout(Duration.ofSeconds(10))
                .build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return response.body();
        }
    }

    static int databaseLockedInLog() throws Exception {
        Path log = Path.of(lab.get("LAB_DIR"), "dns", "pdns.log");
        if (!Files.exists(log)) {
            return -1;
        }
        return (int) Files.readAllLines(log).stream().filter(line -> line.contains("database is locked")).count();
    }
}
