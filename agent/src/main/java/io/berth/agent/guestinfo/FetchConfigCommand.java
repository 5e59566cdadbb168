package io.berth.agent.guestinfo;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.berth.agent.log.Log;
import io.berth.config.Bundle;
import io.berth.config.BundleGuestinfo;
import io.berth.config.ConfigException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** berth-agent fetch-config: the bundle from vSphere guestinfo into /run/config/berth. */
@Command(name = "fetch-config", mixinStandardHelpOptions = true, sortOptions = false,
        optionListHeading = "%nOptions:%n",
        description = {
            "Reads this VM's bundle (its agent.yml and each secret that agent.yml names) from vSphere guestinfo, "
                    + "writes it to /run/config/berth/agent.yml and /run/config/berth/secrets/, redacts the secret "
                    + "keys in guestinfo and keeps a copy of the bundle in --keep, so the next boot still has it. "
                    + "Meant as a LinuxKit onboot entry, before `berth-agent run`.",
            "",
            "Keys: guestinfo.berth.config (the agent.yml) and guestinfo.berth.secret.NAME for NAME in dnsapikey, "
                    + "jointoken and, when agent.yml names them, apitoken, tlsca, tlscert, tlskey; each with a "
                    + "KEY.encoding of base64 or gzip+base64. The file paths in that agent.yml are replaced by "
                    + "those the secrets are written to.",
            "",
            "Each key is read with `vmware-rpctool \"info-get guestinfo.KEY\"` (found on PATH, each call killed "
                    + "after 5 s); when the tool is absent or has no such key, from the environment variable "
                    + "VMX_GUESTINFO_KEY ('.' as '_', upper case), as vcsim and cloud-init provide it.",
            "",
            "Everything is decoded and validated before anything is written; each file is written 0600 beside "
                    + "its place and renamed over it, directories are 0700. Then each secret key read through "
                    + "vmware-rpctool is set to --- (variables cannot be redacted). A key holding --- is taken "
                    + "from the kept copy; any other value replaces it. No secret is logged, shown or passed as "
                    + "an argument."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the bundle is written (and redacted where it came from vmware-rpctool)",
            "1:vmware-rpctool did not answer in time, a file could not be written, or redaction failed",
            "2:a missing or malformed bundle: one line naming the key; nothing written"},
        footerHeading = "%nFiles:%n",
        footer = {
            "  /run/config/berth/agent.yml, /run/config/berth/secrets/*",
            "      what it writes (under --root); `berth-agent run` finds agent.yml there",
            "  /var/lib/berth/bundle/guestinfo",
            "      the kept copy: the keys as read, one KEY=VALUE a line"})
public final class FetchConfigCommand implements Callable<Integer> {

    /** The bound on each vmware-rpctool call: a local backdoor call answers in milliseconds. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    static final String KEPT_FILE = "guestinfo";

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Put every path under DIR (for tests). Default: ${DEFAULT-VALUE}.")
    Path root;

    @Option(names = "--keep", paramLabel = "DIR", defaultValue = "/var/lib/berth/bundle",
            description = "Where the copy of the bundle is kept, on a persistent disk (under --root). "
                    + "Default: ${DEFAULT-VALUE}.")
    Path keep;

    private final Map<String, String> env;
    private final Duration callTimeout;

    public FetchConfigCommand() {
        this(System.getenv(), CALL_TIMEOUT);
    }

    /** Tests give their own environment (PATH, VMX_GUESTINFO_*) and a shorter bound. */
    FetchConfigCommand(Map<String, String> env, Duration callTimeout) {
        this.env = env;
        this.callTimeout = callTimeout;
    }

    @Override
    public Integer call() throws IOException {
        Log.configure(Log.Level.INFO, Log.Format.TEXT);
        Path base = root.toAbsolutePath().normalize();
        if (!keep.isAbsolute()) {
            throw new ConfigException("--keep", "not an absolute path: " + keep);
        }
        Path keptFile = base.resolve(keep.getRoot().relativize(keep)).resolve(KEPT_FILE);
        Optional<Rpctool> rpctool = Rpctool.find(env, callTimeout);
        Reader reader = new Reader(rpctool, readKept(keptFile), keptFile);
        Bundle bundle;
        try {
            bundle = BundleGuestinfo.parse(reader::lookup, base);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }

        // Valid as a whole: now, and only now, write.
        for (Bundle.BundleFile file : bundle.files()) {
            write(file.path(), file.content());
        }
        if (!reader.used.equals(reader.kept)) {
            StringBuilder kept = new StringBuilder();
            reader.used.forEach((k, v) -> kept.append(k).append('=').append(v).append('\n'));
            write(keptFile, kept.toString());
        }
        Log.info("fetch-config: wrote " + bundle.configFile() + " and " + (bundle.files().size() - 1)
                + " secret files, from " + String.join(", ", reader.sources));

        for (String key : reader.toRedact) {
            try {
                rpctool.orElseThrow().set(key, BundleGuestinfo.REDACTED);
            } catch (IOException e) {
                throw new IOException("the bundle is written and kept, but " + key + " is not redacted: "
                        + Log.oneLine(e), e);
            }
        }
        if (!reader.toRedact.isEmpty()) {
            Log.info("fetch-config: redacted " + reader.toRedact.size() + " secret keys in guestinfo");
        }
        if (reader.sources.contains("environment variables")) {
            Log.info("fetch-config: values read from environment variables cannot be redacted");
        }
        return 0;
    }

    /** Each key from vmware-rpctool, else from its variable; a redacted one ({@code ---}) from the kept copy. */
    private final class Reader {
        final Optional<Rpctool> rpctool;
        final Map<String, String> kept;
        final Path keptFile;
        /** The keys the bundle was read from, as read: the next kept copy. */
        final Map<String, String> used = new LinkedHashMap<>();
        final List<String> toRedact = new ArrayList<>();
        final Set<String> sources = new TreeSet<>();
        /** Keys whose value came from the kept copy: their encoding comes from it too. */
        private final Set<String> restored = new TreeSet<>();

        Reader(Optional<Rpctool> rpctool, Map<String, String> kept, Path keptFile) {
            this.rpctool = rpctool;
            this.kept = kept;
            this.keptFile = keptFile;
        }

        Optional<String> lookup(String key) {
            String base = key.endsWith(BundleGuestinfo.ENCODING_SUFFIX)
                    ? key.substring(0, key.length() - BundleGuestinfo.ENCODING_SUFFIX.length()) : null;
            if (base != null && restored.contains(base)) {
                return remember(key, Optional.ofNullable(kept.get(key)));
            }
            Optional<String> value = fromRpctool(key);
            boolean viaRpctool = value.isPresent();
            if (value.isEmpty()) {
                value = Optional.ofNullable(env.get(BundleGuestinfo.variable(key)));
                value.ifPresent(v -> sources.add("environment variables"));
            }
            if (value.isPresent() && value.get().strip().equals(BundleGuestinfo.REDACTED)) {
                if (!kept.containsKey(key)) {
                    throw new ConfigException(key, "redacted (" + BundleGuestinfo.REDACTED
                            + ") and no kept copy holds it (" + keptFile + ")");
                }
                restored.add(key);
                sources.add("the kept copy");
                return remember(key, Optional.of(kept.get(key)));
            }
            if (viaRpctool) {
                sources.add("guestinfo");
                if (BundleGuestinfo.isSecretValue(key)) {
                    toRedact.add(key);
                }
            }
            return remember(key, value);
        }

        private Optional<String> fromRpctool(String key) {
            if (rpctool.isEmpty()) {
                return Optional.empty();
            }
            try {
                return rpctool.get().get(key);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // through parse's lookup; call() unwraps it
            }
        }

        private Optional<String> remember(String key, Optional<String> value) {
            // Base64 and encodings mean the same without white space, and one line each is the kept copy's form.
            value.ifPresent(v -> used.put(key, v.replaceAll("\\s+", "")));
            return value;
        }
    }

    /** The kept copy's keys, or none when there is none yet. */
    private static Map<String, String> readKept(Path file) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return keys;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read the kept copy: " + Log.oneLine(e));
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                // The line may hold a secret: only its number is shown.
                throw new ConfigException(file.toString(), "line " + (i + 1) + " is not KEY=VALUE");
            }
            keys.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return keys;
    }

    /** {@code content} at {@code file}, 0600 in a 0700 directory: a temp file beside it, synced, then renamed. */
    private static void write(Path file, String content) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileOutputStream out = new FileOutputStream(temp.toFile())) {
                out.write(content.getBytes(UTF_8));
                out.getFD().sync();
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
