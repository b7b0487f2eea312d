package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.glanceconvert.config.CloudsYaml;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.config.DaemonConfigLoader;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageQuery;
import org.glanceconvert.glance.ItEnvironment;
import org.glanceconvert.glance.JsonPatch;
import org.glanceconvert.glance.NewImage;
import org.glanceconvert.glance.UploadBody;
import org.glanceconvert.log.ConversionLog;
import org.glanceconvert.log.ConversionRecord;

/**
 * What the daemon's integration tests share: the real Keystone + Glance of
 * integration-tests/up.sh, a service and a demo client, configurations whose clouds each take
 * only images carrying their own tag (so several "clouds" and leftovers of other tests share one
 * Glance without touching each other's images), and helpers to upload and to wait.
 */
final class DaemonIt implements AutoCloseable {
    final ItEnvironment env;
    final GlanceClient service;
    final GlanceClient demo;
    /** Distinguishes this run's tags from leftovers of earlier runs. */
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final UUID namespace = UUID.randomUUID();
    private final List<String> created = new ArrayList<>();

    DaemonIt() throws Exception {
        env = ItEnvironment.load();
        service = env.client("glance-convert");
        demo = env.client("demo");
    }

    String tag(String cloud) {
        return "it-" + run + "-" + cloud;
    }

    /** A cloud of the configuration that takes only images tagged {@link #tag}{@code (name)}. */
    String cloud(String name, String target, String original, String onUnsafe, String output) {
        return "  - name: " + name + "\n"
                + "    cloud: glance-convert\n"
                + "    target_format: " + target + "\n"
                + (output == null ? "" : "    output: " + output + "\n")
                + "    original: " + original + "\n"
                + "    on_unsafe: " + onUnsafe + "\n"
                + "    rules:\n"
                + "      - match: {tag: [" + tag(name) + "]}\n"
                + "        target: " + target + "\n"
                + "      - match: {}\n"
                + "        skip: true\n"
                + "        reason: not this test's image\n";
    }

    Path writeConfig(Path dir, String extra, String... clouds) throws IOException {
        Path file = dir.resolve("glance-convert.yaml");
        String yaml = "id_namespace: " + namespace + "\n"
                + "work_dir: " + dir.resolve("work") + "\n"
                + "work_dir_min_free: 1M\n"
                + "concurrency: 2\n"
                + "poll_interval: 2s\n"
                + "poll_overlap: 1m\n"
                + "lease: 10s\n"
                + "shutdown_grace: 20s\n"
                + "retry: {attempts: 3, backoff: 1s, max_backoff: 2s}\n"
                + "conversion_log: " + dir.resolve("conversions.jsonl") + "\n"
                + "metrics: {enabled: true, bind: 127.0.0.1, port: 0}\n"
                + (extra == null ? "" : extra)
                + "clouds:\n" + String.join("", clouds);
        Files.writeString(file, yaml);
        return file;
    }

    DaemonConfig load(Path config) throws Exception {
        return DaemonConfigLoader.system().load(config);
    }

    Daemon start(Path config, String replica) throws Exception {
        return Daemon.start(load(config), CloudsYaml.load(env.cloudsYaml(), Optional.empty()), replica, Clock.systemUTC());
    }

    /** Creates (as {@code as}) and uploads with PUT /file. */
    GlanceImage put(GlanceClient as, String name, String diskFormat, Path data, Consumer<NewImage> extra) throws IOException {
        GlanceImage image = create(as, name, diskFormat, extra);
        as.upload(image.id(), UploadBody.ofFile(data));
        return image;
    }

    GlanceImage create(GlanceClient as, String name, String diskFormat, Consumer<NewImage> extra) throws IOException {
        NewImage n = NewImage.named(name).diskFormat(diskFormat).containerFormat("bare");
        if (extra != null) {
            extra.accept(n);
        }
        GlanceImage image = as.create(n);
        created.add(image.id());
        return image;
    }

    /** Creates and uploads through the interoperable import workflow (stage, then glance-direct). */
    GlanceImage imported(GlanceClient as, String name, String diskFormat, Path data, Consumer<NewImage> extra,
                         BeforeData beforeData) throws Exception {
        GlanceImage image = create(as, name, diskFormat, extra);
        beforeData.accept(image);
        String base = as.session().imageEndpoint().url() + "/v2/images/" + image.id();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> staged = http.send(HttpRequest.newBuilder(URI.create(base + "/stage"))
                .header("X-Auth-Token", as.session().token()).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(data)).build(), HttpResponse.BodyHandlers.ofString());
        if (staged.statusCode() != 204) {
            fail("stage answered " + staged.statusCode() + ": " + staged.body());
        }
        HttpResponse<String> imported = http.send(HttpRequest.newBuilder(URI.create(base + "/import"))
                .header("X-Auth-Token", as.session().token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"method\": {\"name\": \"glance-direct\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (imported.statusCode() != 202) {
            fail("import answered " + imported.statusCode() + ": " + imported.body());
        }
        return await(image.id(), GlanceImage::isActive, Duration.ofSeconds(30), "import to finish");
    }

    /** Something to do to a queued image before its data arrives. */
    @FunctionalInterface
    interface BeforeData {
        void accept(GlanceImage queued) throws IOException;
    }

    void remember(String id) {
        created.add(id);
    }

    GlanceImage get(String id) throws IOException {
        return service.get(id).orElse(null);
    }

    /** Waits until the image (as the service sees it) satisfies {@code done}; fails after {@code timeout}. */
    GlanceImage await(String id, Predicate<GlanceImage> done, Duration timeout, String what) throws Exception {
        Instant end = Instant.now().plus(timeout);
        GlanceImage last = null;
        while (Instant.now().isBefore(end)) {
            last = service.get(id).orElse(null);
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        fail("image " + id + ": gave up waiting " + timeout.toSeconds() + " s for " + what + "; last seen: "
                + (last == null ? "gone" : last.json()));
        return null;
    }

    static Predicate<GlanceImage> state(String state) {
        return i -> state.equals(i.property(Properties.STATE).orElse(null));
    }

    /** Every image (hidden or not, any status) whose glance_convert_source_id is {@code sourceId}. */
    List<GlanceImage> copiesOf(String sourceId) throws IOException {
        List<GlanceImage> out = new ArrayList<>();
        for (ImageQuery q : ImageQuery.all().visibility("all").property(Properties.SOURCE_ID, sourceId).visibleAndHidden()) {
            service.listAll(q).forEach(out::add);
        }
        out.forEach(i -> created.add(i.id()));
        return out;
    }

    Path download(GlanceImage image, Path file) throws IOException {
        try (InputStream in = service.download(image); OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        }
        return file;
    }

    /** Records of the conversion log about {@code imageId}. */
    static List<ConversionRecord> records(Path log, String imageId) throws IOException {
        List<ConversionRecord> out = new ArrayList<>();
        if (Files.exists(log)) {
            ConversionLog.read(log, r -> imageId.equals(r.imageId()) || imageId.equals(r.newImageId()), out::add);
        }
        return out;
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** The hex digest of a file ({@code MD5}, {@code SHA-512}: the algorithms of Glance's checksum and os_hash_value). */
    static String digest(Path file, String algorithm) throws Exception {
        java.security.MessageDigest d = java.security.MessageDigest.getInstance(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                d.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(d.digest());
    }

    /** Deletes every image this run made, unprotecting first. */
    @Override
    public void close() {
        for (String id : created) {
            try {
                GlanceImage i = service.get(id).orElse(null);
                if (i != null && i.isProtected()) {
                    service.patch(id, JsonPatch.create().set("protected", false));
                }
                service.delete(id);
            } catch (IOException e) {
                // best effort: a throw-away cloud
            }
        }
        service.close();
        demo.close();
    }
}
