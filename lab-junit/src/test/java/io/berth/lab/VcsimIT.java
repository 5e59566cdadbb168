package io.berth.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@link Vcsim} fixture is a vCenter as far as raw vim25 SOAP can tell: Login takes exactly the password from
 * its file, the inventory paths {@link VcsimEnv} names exist, a method delay stalls that method only, and
 * {@code down} leaves no process and no dir, even with a stalled call in flight.
 */
@IntegrationTest
class VcsimIT {

    private static final Duration DELAY = Duration.ofMillis(1500);

    @Vcsim
    static VcsimEnv vcsim;

    /** Never through a proxy: the simulator is on 127.0.0.1. */
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void loginWithThePasswordFromItsFileOpensASessionThatSeesTheNamedInventory() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(vcsim.passwordFile())));
        String content = soap(serviceContent(), null).body();
        String searchIndex = ref(content, "searchIndex");

        String cookie = login(vcsim.user(), password());

        assertEquals("Datacenter", find(cookie, searchIndex, "/" + vcsim.datacenter())[0]);
        assertEquals("VirtualMachine", find(cookie, searchIndex, vcsim.template())[0]);
        assertEquals("Folder", find(cookie, searchIndex, vcsim.folder())[0]);
        assertEquals("ResourcePool", find(cookie, searchIndex, vcsim.resourcePool())[0]);
        assertEquals("Datastore", find(cookie, searchIndex, "/DC0/datastore/" + vcsim.datastore())[0]);
        assertEquals("Network", find(cookie, searchIndex, "/DC0/network/" + vcsim.network())[0]);

        HttpResponse<String> anonymous = soap(findByInventoryPath(searchIndex, "/DC0"), null);
        assertEquals(500, anonymous.statusCode());
        assertTrue(anonymous.body().contains("xsi:type=\"NotAuthenticated\""), anonymous.body());
    }

    @Test
    void aWrongPasswordOrUserFailsWithInvalidLogin() throws Exception {
        String sessionManager = ref(soap(serviceContent(), null).body(), "sessionManager");
        for (String[] credentials : List.of(new String[] {vcsim.user(), password() + "x"},
                new String[] {vcsim.user() + "x", password()}, new String[] {vcsim.user(), ""})) {
            HttpResponse<String> response = soap(login(sessionManager, credentials[0], credentials[1]), null);
            assertEquals(500, response.statusCode());
            assertTrue(response.body().contains("xsi:type=\"InvalidLogin\""), response.body());
            assertFalse(response.headers().firstValue("Set-Cookie").isPresent(), "no session for a failed login");
        }
    }

    @Test
    void aDelayStallsThatMethodOnlyUntilCleared() throws Exception {
        String searchIndex = ref(soap(serviceContent(), null).body(), "searchIndex");
        String cookie = login(vcsim.user(), password());
        String template = find(cookie, searchIndex, vcsim.template())[1];
        String folder = find(cookie, searchIndex, vcsim.folder())[1];
        String pool = find(cookie, searchIndex, vcsim.resourcePool())[1];

        vcsim.delay("CloneVM_Task", DELAY);
        try {
            long start = System.nanoTime();
            HttpResponse<String> clone = soap(cloneVm(template, folder, pool, "delay-probe-1"), cookie);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(200, clone.statusCode(), clone.body());
            assertTrue(clone.body().contains("<returnval type=\"Task\">"), clone.body());
            assertTrue(took.compareTo(DELAY) >= 0, "CloneVM_Task took " + took.toMillis() + " ms");

            start = System.nanoTime();
            find(cookie, searchIndex, vcsim.template());
            took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(DELAY) < 0, "FindByInventoryPath is not delayed: " + took.toMillis() + " ms");
        } finally {
            vcsim.clearDelay("CloneVM_Task");
        }
        long start = System.nanoTime();
        assertEquals(200, soap(cloneVm(template, folder, pool, "delay-probe-2"), cookie).statusCode());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(DELAY) < 0, "cleared: CloneVM_Task took " + took.toMillis() + " ms");
    }

    /** Brings up a simulator of its own: stopping it is what this tests. */
    @Test
    void downLeavesNoProcessAndNoDirEvenWithAStalledCallInFlight() throws Exception {
        List<Path> datastoresBefore = tempDatastores();
        VcsimEnv own = VcsimEnv.up("teardown");
        long pid = own.pid();
        Path dir = own.dir();
        CompletableFuture<HttpResponse<String>> stalled;
        try {
            String secret = Files.readString(own.passwordFile()).strip();
            assertTrue(Files.isDirectory(dir), dir.toString());
            assertTrue(alive(pid), "vcsim runs as pid " + pid);
            String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                    StandardCharsets.UTF_8);
            assertFalse(cmdline.contains(secret), "the password is not in vcsim's arguments");
            assertFalse(Files.readString(dir.resolve("vcsim.log")).contains(secret), "nor in its log");

            own.delay("RetrieveServiceContent", Duration.ofMinutes(5));
            stalled = HTTP.sendAsync(request(own, serviceContent(), null),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            assertFalse(stalled.isDone(), "the call stalls");
        } finally {
            own.down();
        }
        own.down(); // a second down does nothing

        assertFalse(alive(pid), "vcsim pid " + pid + " is gone");
        assertFalse(Files.exists(dir), dir + " is removed");
        assertEquals(List.of(), Processes.mentioning(dir.toString()), "processes of the simulator");
        assertEquals(datastoresBefore, tempDatastores(), "no datastore dir left in java.io.tmpdir");
        // down cut the stalled call's connection instead of waiting 5 minutes for it.
        ExecutionException cut = assertThrows(ExecutionException.class, () -> stalled.get(10, TimeUnit.SECONDS));
        assertTrue(cut.getCause() instanceof IOException, cut.getCause().toString());
    }

    // ------------------------------------------------------------------ raw vim25 SOAP

    private static String password() throws IOException {
        return Files.readString(vcsim.passwordFile()).strip();
    }

    /** Logs in; returns the session cookie ({@code vmware_soap_session=…}) for later calls. */
    private static String login(String user, String password) throws Exception {
        String sessionManager = ref(soap(serviceContent(), null).body(), "sessionManager");
        HttpResponse<String> response = soap(login(sessionManager, user, password), null);
        assertEquals(200, response.statusCode(), "Login of " + user);
        assertTrue(response.body().contains("<userName>" + user + "</userName>"), response.body());
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        assertTrue(cookie.startsWith("vmware_soap_session="), cookie);
        return cookie;
    }

    /** FindByInventoryPath: the {type, moref} of what is at {@code path}; fails if nothing is. */
    private static String[] find(String cookie, String searchIndex, String path) throws Exception {
        HttpResponse<String> response = soap(findByInventoryPath(searchIndex, path), cookie);
        assertEquals(200, response.statusCode(), response.body());
        Matcher m = Pattern.compile("<returnval type=\"(\\w+)\">([^<]+)</returnval>").matcher(response.body());
        assertTrue(m.find(), "nothing at " + path + ": " + response.body());
        return new String[] {m.group(1), m.group(2)};
    }

    private static HttpResponse<String> soap(String body, String cookie) throws Exception {
        return HTTP.send(request(vcsim, body, cookie), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(VcsimEnv env, String body, String cookie) {
        HttpRequest.Builder request = HttpRequest.newBuilder(env.url())
                .header("Content-Type", "text/xml; charset=utf-8")
                // What vim25 clients send for API 6.5 (the simulator's); the simulator itself ignores it.
                .header("SOAPAction", "urn:vim25/6.5")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>\
                        %s</soapenv:Body></soapenv:Envelope>""".formatted(body)));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return request.build();
    }

    private static String serviceContent() {
        return "<RetrieveServiceContent xmlns=\"urn:vim25\"><_this type=\"ServiceInstance\">ServiceInstance</_this>"
                + "</RetrieveServiceContent>";
    }

    private static String login(String sessionManager, String user, String password) {
        return "<Login xmlns=\"urn:vim25\"><_this type=\"SessionManager\">" + sessionManager + "</_this>"
                + "<userName>" + xml(user) + "</userName><password>" + xml(password) + "</password></Login>";
    }

    private static String findByInventoryPath(String searchIndex, String path) {
        return "<FindByInventoryPath xmlns=\"urn:vim25\"><_this type=\"SearchIndex\">" + searchIndex + "</_this>"
                + "<inventoryPath>" + xml(path) + "</inventoryPath></FindByInventoryPath>";
    }

    private static String cloneVm(String vm, String folder, String pool, String name) {
        return "<CloneVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">" + vm + "</_this>"
                + "<folder type=\"Folder\">" + folder + "</folder><name>" + xml(name) + "</name>"
                + "<spec><location><pool type=\"ResourcePool\">" + pool + "</pool></location>"
                + "<template>false</template><powerOn>false</powerOn></spec></CloneVM_Task>";
    }

    /** The moref of a ServiceContent field, e.g. {@code <sessionManager type="SessionManager">SessionManager<}. */
    private static String ref(String serviceContent, String field) {
        Matcher m = Pattern.compile("<" + field + " type=\"\\w+\">([^<]+)</" + field + ">").matcher(serviceContent);
        assertTrue(m.find(), "no " + field + " in " + serviceContent);
        return m.group(1);
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // ------------------------------------------------------------------ what is left

    /** Alive: it exists and is not a zombie (PID 1 here may be slow to reap). */
    private static boolean alive(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String s = Files.readString(stat);
            return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    /** The simulator's datastore dirs ({@code govcsim-*}) in java.io.tmpdir, had one escaped its own dir. */
    private static List<Path> tempDatastores() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("govcsim-")).sorted().toList();
        }
    }
}
