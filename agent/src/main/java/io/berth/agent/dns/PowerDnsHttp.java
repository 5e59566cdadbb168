package io.berth.agent.dns;

import io.berth.agent.retry.CallBound;
import io.berth.agent.retry.Retry;
import io.berth.agent.traffic.Traffic;
import io.berth.config.AgentConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link PowerDns} over the Authoritative HTTP API v1 (java.net.http). The API key is read from its file on every
 * request (so a rotated key is picked up) and never logged. Transient failures are retried with jittered backoff
 * until {@code retryFor} has passed: a fleet booting at once makes a sqlite-backed server answer 500.
 */
public final class PowerDnsHttp implements PowerDns, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PowerDnsHttp.class.getName());

    /** How long one get/patch keeps retrying transient failures unless told otherwise. */
    public static final Duration DEFAULT_RETRY_FOR = Duration.ofSeconds(10);

    private final String api;
    private final Path keyFile;
    private final String serverId;
    private final Duration timeout;
    private final Duration retryFor;
    private final Retry retry = Retry.quick();
    private final HttpClient http;
    private final Traffic traffic = Traffic.to(Traffic.POWERDNS);
    private final AtomicInteger retries = new AtomicInteger();

    public PowerDnsHttp(URI api, Path keyFile, String serverId, Duration timeout) {
        this(api, keyFile, serverId, timeout, DEFAULT_RETRY_FOR);
    }

    /** {@code retryFor}: the deadline of each call, counted from its start, for retrying transient failures. */
    public PowerDnsHttp(URI api, Path keyFile, String serverId, Duration timeout, Duration retryFor) {
        this.api = api.toString().replaceAll("/+$", "");
        this.keyFile = keyFile;
        this.serverId = serverId;
        this.timeout = timeout;
        this.retryFor = retryFor;
        // HTTP/1.1 only: the default HTTP/2 would send an h2c upgrade to a server that cannot speak it.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** The client for the agent's configuration. */
    public static PowerDnsHttp of(AgentConfig.Dns dns, Duration timeout) {
        return new PowerDnsHttp(dns.api(), dns.apiKeyFile(), dns.serverId(), timeout);
    }

    /** HTTP requests sent so far, retries included. */
    public int requests() {
        return (int) traffic.requests();
    }

    /** Bytes of response bodies received so far (a filtered zone GET on 4.7 carries every commented RRset). */
    public long responseBytes() {
        return traffic.bytes();
    }

    /** Attempts that repeated a failed one (a transient failure followed by another try). */
    public int retries() {
        return retries.get();
    }

    @Override
    public Optional<RRset> get(String zone, String name, String type) throws DnsException, InterruptedException {
        String zoneName = Names.absolute(zone);
        String rrsetName = Names.absolute(name);
        // Always filtered: never read a whole zone to look at one host.
        URI uri = URI.create(zoneUrl(zoneName) + "?rrset_name=" + encode(rrsetName) + "&rrset_type=" + encode(type));
        String body = send("GET", zoneName, uri, HttpRequest.BodyPublishers.noBody(), 200);
        try {
            return PdnsJson.find(body, rrsetName, type);
        } catch (IOException e) {
            throw new DnsException("PowerDNS at " + api + " sent unreadable JSON for zone " + zoneName, false, e);
        }
    }

    /**
     * Every RRset of {@code zone} that has records: one unfiltered zone GET. Only for sweeps that must find records
     * whose names nobody knows any more ({@code berth gc}, {@code berth status}); a host's own work reads its RRsets
     * with {@link #get}.
     */
    public List<RRset> rrsets(String zone) throws DnsException, InterruptedException {
        String zoneName = Names.absolute(zone);
        String body = send("GET", zoneName, URI.create(zoneUrl(zoneName)), HttpRequest.BodyPublishers.noBody(), 200);
        try {
            return PdnsJson.all(body);
        } catch (IOException e) {
            throw new DnsException("PowerDNS at " + api + " sent unreadable JSON for zone " + zoneName, false, e);
        }
    }

    @Override
    public void patch(String zone, List<RRsetChange> changes) throws DnsException, InterruptedException {
        if (changes.isEmpty()) {
            return;
        }
        String zoneName = Names.absolute(zone);
        // REPLACE and DELETE are idempotent, so a PATCH whose answer was lost may safely be sent again.
        send("PATCH", zoneName, URI.create(zoneUrl(zoneName)),
                HttpRequest.BodyPublishers.ofString(PdnsJson.patch(changes)), 204);
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "PowerDNS at " + api + " (server " + serverId + ")";
    }

    private String zoneUrl(String zone) {
        return api + "/api/v1/servers/" + encode(serverId) + "/zones/" + encode(zone);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String send(String method, String zone, URI uri, HttpRequest.BodyPublisher body, int expected)
            throws DnsException, InterruptedException {
        Instant deadline = CallBound.deadline(retryFor); // the step's window may end sooner
        AtomicInteger attempts = new AtomicInteger();
        try {
            return retry.until(deadline, e -> e instanceof DnsException d && d.isTransient(), () -> {
                if (attempts.getAndIncrement() > 0) {
                    retries.incrementAndGet();
                }
                return sendOnce(method, zone, uri, body, expected);
            });
        } catch (DnsException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unexpected failure talking to PowerDNS at " + api, e);
        }
    }

    private String sendOnce(String method, String zone, URI uri, HttpRequest.BodyPublisher body, int expected)
            throws DnsException, InterruptedException {
        Duration bound = CallBound.left(timeout);
        if (bound.isZero()) {
            throw new DnsException("no time left to send " + method + " of zone " + zone + " to PowerDNS at " + api,
                    true);
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("X-API-Key", key())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, body)
                .timeout(bound)
                .build();
        HttpResponse<byte[]> response;
        traffic.request();
        // The request's own timeout covers the headers only; the future's bound covers the body too.
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofByteArray());
        try {
            response = exchange.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            exchange.cancel(true); // aborts the exchange and frees its connection
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
                throw logged(new DnsException("PowerDNS at " + api + " did not answer " + method + " of zone " + zone
                        + " within " + bound.toMillis() + " ms", true, cause));
            }
            if (cause instanceof IOException io) {
                throw unreachable(method, zone, io);
            }
            throw new IllegalStateException("unexpected failure talking to PowerDNS at " + api + ": " + cause, cause);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        }
        traffic.received(response.body().length);
        return answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), method, zone,
                expected);
    }

    private DnsException unreachable(String method, String zone, IOException e) {
        // Refused, reset, closed early: the server may be starting, restarting or overloaded.
        return logged(new DnsException("cannot reach PowerDNS at " + api + " (" + method + " zone " + zone + "): "
                + e, true, e));
    }

    private String answer(int status, String body, String method, String zone, int expected) throws DnsException {
        if (status == expected) {
            return body;
        }
        String error = PdnsJson.error(body);
        throw logged(switch (status) {
            case 401 -> new DnsException("PowerDNS at " + api + " rejected the API key (401)", false);
            case 404 -> new DnsException("zone " + zone + " not found on " + api + " (server " + serverId + ")", false);
            default -> new DnsException("PowerDNS at " + api + " refused " + method + " of zone " + zone + ": "
                    + (error.isEmpty() ? "HTTP " + status : error) + " (" + status + ")",
                    status >= 500 || status == 429);
        });
    }

    private DnsException logged(DnsException e) {
        if (e.isTransient()) {
            LOG.log(System.Logger.Level.INFO, "{0}; will retry until the deadline", e.getMessage());
        }
        return e;
    }

    /** The key, read now; errors name the file, never its content. */
    private String key() throws DnsException {
        String key;
        try {
            key = Files.readString(keyFile).strip();
        } catch (IOException e) {
            throw new DnsException("cannot read the PowerDNS API key file " + keyFile + ": "
                    + e.getClass().getSimpleName(), false, e);
        }
        // Checked here: HttpRequest's own complaint about a bad header value would quote the key.
        if (key.isEmpty() || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new DnsException("the PowerDNS API key file " + keyFile
                    + " must hold one key of printable ASCII characters", false);
        }
        return key;
    }
}
