package org.glanceconvert.glance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;
import org.glanceconvert.GlanceConvert;
import org.glanceconvert.config.CloudEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glance v2 for one cloud, over OkHttp with a Keystone token from {@link KeystoneSession}.
 *
 * <p>Every call: sends {@code Accept: application/json} so errors carry Glance's message;
 * retries timeouts, refused/reset connections and 5xx with backoff (a call whose body was a
 * one-shot stream is not retried); on 401 renews the token once and repeats. Image data is
 * streamed both ways, never buffered whole. Thread-safe; one instance per cloud.
 *
 * <p>Why not openstack4j for Glance: its upload reads the whole image into memory and, on a 401
 * retry, stores an empty image while reporting success; its PATCH always gets 415; its model
 * drops statuses (importing, uploading), visibility {@code shared} and Glance's error messages;
 * and its sessions are bound to the thread that made them. It is used for Keystone only.
 */
public final class GlanceClient implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(GlanceClient.class);
    static final MediaType JSON_TYPE = MediaType.get("application/json");
    static final MediaType PATCH_TYPE = MediaType.get("application/openstack-images-v2.1-json-patch");
    static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_JSON_BYTES = 32 << 20;
    private static final int MAX_ERROR_BYTES = 64 << 10;
    private static final String USER_AGENT = "glance-convert/" + GlanceConvert.version();

    private final KeystoneSession session;
    private final OkHttpClient http;
    private final ClientOptions options;

    public GlanceClient(KeystoneSession session, OkHttpClient http, ClientOptions options) {
        this.session = session;
        this.http = http;
        this.options = options;
    }

    /**
     * Authenticates to the cloud and finds its image endpoint; fails (rather than starting half
     * blind) when Keystone refuses or the catalog has no image endpoint for the region/interface.
     */
    public static GlanceClient connect(CloudEntry cloud, ClientOptions options) throws IOException {
        Tls tls = Tls.of(cloud.cacert(), cloud.verify());
        if (!cloud.verify()) {
            LOG.warn("cloud {}: TLS certificate verification is OFF (verify: false in {})", cloud.name(), cloud.source());
        }
        OkHttpClient http = httpClient(tls, options);
        Authenticator authenticator = cloud.cacert() != null
                ? new HttpKeystoneAuthenticator(cloud, http)
                : new Openstack4jAuthenticator(cloud, options);
        KeystoneSession session = new KeystoneSession(cloud, authenticator, options, java.time.Clock.systemUTC());
        GlanceClient client = new GlanceClient(session, http, options);
        session.imageEndpoint();
        return client;
    }

    /** One OkHttp client per cloud: pooled connections, our own retries, the cloud's TLS trust. */
    static OkHttpClient httpClient(Tls tls, ClientOptions options) {
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .connectTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(options.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(options.writeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
        if (tls.hostnameVerifier() != null) {
            b.hostnameVerifier(tls.hostnameVerifier());
        }
        return b.build();
    }

    public KeystoneSession session() {
        return session;
    }

    ClientOptions options() {
        return options;
    }

    // ---- metadata ------------------------------------------------------------------------

    /** The image, or empty when Glance answers 404. */
    public Optional<GlanceImage> get(String id) throws IOException {
        try {
            return Optional.of(image(json(send(new Call("GET", images().addPathSegment(id)), null))));
        } catch (ImageNotFoundException e) {
            return Optional.empty();
        }
    }

    /** One page: {@code marker} is the last image id of the previous page, or null for the first. */
    public ImagePage list(ImageQuery query, String marker) throws IOException {
        HttpUrl.Builder url = images();
        for (Map.Entry<String, String> p : query.params().entrySet()) {
            url.addQueryParameter(p.getKey(), p.getValue());
        }
        url.addQueryParameter("limit", Integer.toString(query.pageSize()));
        if (marker != null) {
            url.addQueryParameter("marker", marker);
        }
        ObjectNode body = json(send(new Call("GET", url), null));
        List<GlanceImage> out = new ArrayList<>();
        for (JsonNode n : body.path("images")) {
            if (n.isObject()) {
                out.add(new GlanceImage((ObjectNode) n));
            }
        }
        // Glance includes "next" only when more may follow; its marker is the last id of this page.
        String next = null;
        if (body.hasNonNull("next") && !out.isEmpty()) {
            next = out.get(out.size() - 1).id();
        }
        return new ImagePage(out, next);
    }

    /** Every matching image, page after page (limit + marker), fetched lazily. */
    public Iterable<GlanceImage> listAll(ImageQuery query) {
        return () -> new Iterator<>() {
            private Iterator<GlanceImage> page = List.<GlanceImage>of().iterator();
            private String marker;
            private boolean done;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !done) {
                    try {
                        ImagePage p = list(query, marker);
                        page = p.images().iterator();
                        marker = p.nextMarker();
                        done = !p.hasNext();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return page.hasNext();
            }

            @Override
            public GlanceImage next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
    }

    /**
     * Creates an image record (status queued). With a chosen id, a second create answers
     * {@link ImageConflictException}, also when the first attempt's answer was lost and this is
     * a retry: the caller then reads the image to see whether it is its own.
     */
    public GlanceImage create(NewImage image) throws IOException {
        ObjectNode body = image.toJson();
        Call call = new Call("POST", images()).conflictId(image.id());
        // Without a chosen id, a replayed POST whose first answer was lost makes a second image.
        call.replaySafe = image.id() != null;
        return image(json(send(call, () -> RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE))));
    }

    public GlanceImage patch(String id, JsonPatch patch) throws IOException {
        byte[] body = JSON.writeValueAsBytes(patch.toJson());
        Call call = new Call("PATCH", images().addPathSegment(id));
        // A replayed remove of a property the first try already removed is a 409.
        call.replaySafe = !patch.removes();
        return image(json(send(call, () -> RequestBody.create(body, PATCH_TYPE))));
    }

    public void addTag(String id, String tag) throws IOException {
        close(send(new Call("PUT", images().addPathSegment(id).addPathSegment("tags").addPathSegment(tag)), EMPTY));
    }

    /** Removes a tag; false when the image did not carry it. */
    public boolean removeTag(String id, String tag) throws IOException {
        if (get(id).isEmpty()) {
            throw new ImageNotFoundException("DELETE", "/v2/images/" + id + "/tags/" + tag, "no such image");
        }
        try {
            close(send(new Call("DELETE", images().addPathSegment(id).addPathSegment("tags").addPathSegment(tag)), null));
            return true;
        } catch (ImageNotFoundException e) {
            return false;
        }
    }

    public void deactivate(String id) throws IOException {
        close(send(new Call("POST", images().addPathSegment(id).addPathSegment("actions").addPathSegment("deactivate")), EMPTY));
    }

    public void reactivate(String id) throws IOException {
        close(send(new Call("POST", images().addPathSegment(id).addPathSegment("actions").addPathSegment("reactivate")), EMPTY));
    }

    /** Deletes the image; false when it was already gone. */
    public boolean delete(String id) throws IOException {
        try {
            close(send(new Call("DELETE", images().addPathSegment(id)), null));
            return true;
        } catch (ImageNotFoundException e) {
            return false;
        }
    }

    public List<ImageMember> members(String id) throws IOException {
        ObjectNode body = json(send(new Call("GET", images().addPathSegment(id).addPathSegment("members")), null));
        List<ImageMember> out = new ArrayList<>();
        for (JsonNode m : body.path("members")) {
            out.add(member(m));
        }
        return out;
    }

    public ImageMember addMember(String id, String projectId) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("member", projectId);
        byte[] bytes = JSON.writeValueAsBytes(body);
        Call call = new Call("POST", images().addPathSegment(id).addPathSegment("members"));
        call.replaySafe = false;
        return member(json(send(call, () -> RequestBody.create(bytes, JSON_TYPE))));
    }

    /** Sets a member's status (accepted/rejected/pending); Glance lets only that member project do so. */
    public ImageMember updateMember(String id, String projectId, String status) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(JSON.createObjectNode().put("status", status));
        return member(json(send(new Call("PUT", images().addPathSegment(id).addPathSegment("members").addPathSegment(projectId)),
                () -> RequestBody.create(bytes, JSON_TYPE))));
    }

    public boolean removeMember(String id, String projectId) throws IOException {
        try {
            close(send(new Call("DELETE", images().addPathSegment(id).addPathSegment("members").addPathSegment(projectId)), null));
            return true;
        } catch (ImageNotFoundException e) {
            return false;
        }
    }

    /** Backend ids of a multi-store Glance ({@code GET /v2/info/stores}); empty for single-store. */
    public List<String> stores() throws IOException {
        try {
            ObjectNode body = json(send(new Call("GET", base().addPathSegment("v2").addPathSegment("info").addPathSegment("stores")), null));
            List<String> out = new ArrayList<>();
            body.path("stores").forEach(s -> out.add(s.path("id").asText()));
            return out;
        } catch (ImageNotFoundException e) {
            return List.of();
        }
    }

    // ---- data ----------------------------------------------------------------------------

    /**
     * Uploads image data ({@code PUT /v2/images/{id}/file}), chunked when the length is unknown,
     * with a token that has most of its life ahead. 413 (size cap or quota) is
     * {@link ImageTooLargeException}. The caller verifies the result (size, checksum, status).
     */
    public void upload(String id, UploadBody data) throws IOException {
        upload(id, data, null);
    }

    /**
     * Uploads into one backend of a multi-store Glance ({@code X-Image-Meta-Store}; Glance 25
     * answers 400 for a store it does not have). {@code store} null: Glance's default backend.
     */
    public void upload(String id, UploadBody data, String store) throws IOException {
        Call call = new Call("PUT", images().addPathSegment(id).addPathSegment("file")).transfer();
        call.store = store;
        close(send(call, () -> new StreamingBody(data)));
    }

    /**
     * Asks Glance to copy an active image's data into more backends (the {@code copy-image}
     * import method, asynchronous: Glance answers 202 and works in a task).
     */
    public void copyToStores(String id, List<String> stores) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("method").put("name", "copy-image");
        com.fasterxml.jackson.databind.node.ArrayNode a = body.putArray("stores");
        stores.forEach(a::add);
        byte[] bytes = JSON.writeValueAsBytes(body);
        close(send(new Call("POST", images().addPathSegment(id).addPathSegment("import")),
                () -> RequestBody.create(bytes, JSON_TYPE)));
    }

    /**
     * Streams the image's data, checking size, {@code checksum} (MD5) and {@code os_hash_value}
     * as it passes; a reset connection resumes with a range request where Glance allows.
     */
    public VerifyingDownload download(GlanceImage image) throws IOException {
        return new VerifyingDownload(this, image);
    }

    /**
     * A random-access view of the image's data over HTTP range requests, or empty when Glance
     * (its store) answers a range request with the whole image (200): then the caller streams.
     */
    public Optional<HttpRangeByteSource> openRanges(GlanceImage image) throws IOException {
        return HttpRangeByteSource.open(this, image);
    }

    /** GET of the image file, from {@code offset} (a Range request) or whole; the caller closes it. */
    Response openFile(String id, long offset, long endInclusive) throws IOException {
        Call call = new Call("GET", images().addPathSegment(id).addPathSegment("file")).transfer();
        if (offset > 0 || endInclusive >= 0) {
            call.range = "bytes=" + offset + "-" + (endInclusive >= 0 ? Long.toString(endInclusive) : "");
        }
        return send(call, null);
    }

    // ---- plumbing --------------------------------------------------------------------------

    /** Supplies a request body; called again for each try. */
    @FunctionalInterface
    interface BodySupplier {
        RequestBody get() throws IOException;
    }

    private static final BodySupplier EMPTY = () -> RequestBody.create(new byte[0], null);

    /** One request's method, URL and manners. */
    static final class Call {
        final String method;
        final HttpUrl.Builder url;
        String conflictId;
        boolean transfer;
        /**
         * Whether the request may be sent again after it may have reached Glance (timeout, reset,
         * 5xx). When false, only a connection that never opened is retried.
         */
        boolean replaySafe = true;
        String range;
        String store;

        Call(String method, HttpUrl.Builder url) {
            this.method = method;
            this.url = url;
        }

        Call conflictId(String id) {
            this.conflictId = id;
            this.conflictOnCreate = true;
            return this;
        }

        boolean conflictOnCreate;

        Call transfer() {
            this.transfer = true;
            return this;
        }
    }

    /** Executes with retries and one re-authentication; returns a 2xx response for the caller to close. */
    Response send(Call call, BodySupplier body) throws IOException {
        boolean reauthenticated = false;
        HttpUrl url = call.url.build();
        String path = url.encodedPath();
        for (int attempt = 1; ; ) {
            String token = call.transfer ? session.freshToken() : session.token();
            RequestBody requestBody;
            if (body == null) {
                requestBody = null;
            } else {
                requestBody = body.get();
            }
            Request.Builder rb = new Request.Builder().url(url)
                    .header("X-Auth-Token", token)
                    .header("Accept", "application/json")
                    .header("User-Agent", USER_AGENT)
                    .method(call.method, requestBody);
            if (call.range != null) {
                rb.header("Range", call.range);
            }
            if (call.store != null) {
                rb.header("X-Image-Meta-Store", call.store);
            }
            long started = System.nanoTime();
            Response response;
            try {
                response = http.newCall(rb.build()).execute();
            } catch (IOException e) {
                boolean again = RetryPolicy.isTransient(e) && attempt < options.retry().attempts() && canResend(body, requestBody)
                        && (call.replaySafe || e instanceof java.net.ConnectException);
                LOG.debug("{} {} failed after {} ms: {}", call.method, path, (System.nanoTime() - started) / 1_000_000, e.toString());
                if (!again) {
                    throw e;
                }
                LOG.warn("{} {}: {} (try {} of {}), retrying", call.method, path, e.toString(), attempt, options.retry().attempts());
                options.retry().backoff(attempt);
                attempt++;
                continue;
            }
            int code = response.code();
            LOG.debug("{} {} -> {} in {} ms", call.method, path, code, (System.nanoTime() - started) / 1_000_000);
            if (code >= 200 && code < 300) {
                return response;
            }
            String message = errorMessage(response);
            if (code == 401) {
                session.invalidate(token);
                if (!reauthenticated && canResend(body, requestBody)) {
                    reauthenticated = true;
                    continue;
                }
                throw new NotAuthorizedException(call.method, path, message);
            }
            GlanceException error = error(call, path, code, message);
            if (error.isTransient() && call.replaySafe && attempt < options.retry().attempts() && canResend(body, requestBody)) {
                LOG.warn("{} (try {} of {}), retrying", error.getMessage(), attempt, options.retry().attempts());
                options.retry().backoff(attempt);
                attempt++;
                continue;
            }
            throw error;
        }
    }

    private static boolean canResend(BodySupplier supplier, RequestBody sent) {
        return !(sent instanceof StreamingBody s) || s.data.canSend();
    }

    private static GlanceException error(Call call, String path, int code, String message) {
        return switch (code) {
            case 404 -> new ImageNotFoundException(call.method, path, message);
            case 409 -> call.conflictOnCreate
                    ? new ImageConflictException(call.conflictId, call.method, path, message)
                    : new GlanceException(code, call.method, path, message);
            case 413 -> new ImageTooLargeException(call.method, path, message);
            default -> new GlanceException(code, call.method, path, message);
        };
    }

    private static String errorMessage(Response response) {
        try (ResponseBody b = response.body()) {
            if (b == null) {
                return "";
            }
            byte[] bytes;
            try (InputStream in = b.byteStream()) {
                bytes = in.readNBytes(MAX_ERROR_BYTES);
            }
            return ErrorBodies.message(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "";
        }
    }

    private static ObjectNode json(Response response) throws IOException {
        try (ResponseBody b = response.body()) {
            byte[] bytes;
            try (InputStream in = b.byteStream()) {
                bytes = in.readNBytes(MAX_JSON_BYTES + 1);
            }
            if (bytes.length > MAX_JSON_BYTES) {
                throw new IOException(response.request().method() + " " + response.request().url().encodedPath()
                        + ": answer larger than " + MAX_JSON_BYTES + " bytes");
            }
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new IOException(response.request().method() + " " + response.request().url().encodedPath()
                        + ": answer is not a JSON object");
            }
            return (ObjectNode) n;
        }
    }

    private static void close(Response response) {
        response.close();
    }

    private static GlanceImage image(ObjectNode n) {
        return new GlanceImage(n);
    }

    private static ImageMember member(JsonNode m) {
        return new ImageMember(m.path("image_id").asText(), m.path("member_id").asText(), m.path("status").asText());
    }

    private HttpUrl.Builder base() throws IOException {
        HttpUrl root = HttpUrl.parse(session.imageEndpoint().url());
        if (root == null) {
            throw new NoImageEndpointException("image endpoint is not a URL: " + session.imageEndpoint().url());
        }
        return root.newBuilder();
    }

    private HttpUrl.Builder images() throws IOException {
        return base().addPathSegment("v2").addPathSegment("images");
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** Streams an {@link UploadBody} into the request, 64 KiB at a time. */
    private static final class StreamingBody extends RequestBody {
        private final UploadBody data;

        StreamingBody(UploadBody data) {
            this.data = data;
        }

        @Override
        public MediaType contentType() {
            return OCTET_STREAM;
        }

        @Override
        public long contentLength() {
            return data.length();
        }

        @Override
        public boolean isOneShot() {
            return !data.isRepeatable();
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            byte[] buf = new byte[64 * 1024];
            long sent = 0;
            try (InputStream in = data.open()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    sink.write(buf, 0, n);
                    sent += n;
                }
            }
            if (data.length() >= 0 && sent != data.length()) {
                throw new IOException("upload data ended after " + sent + " of " + data.length() + " bytes");
            }
        }
    }
}
