package org.glanceconvert.glance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.glanceconvert.config.CloudEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The client against the real Keystone and Glance of integration-tests/up.sh (enforce_new_defaults
 * on): run with {@code mvn -Pintegration test -Dtest=GlanceClientIntegrationTest}.
 */
@Tag("integration")
class GlanceClientIntegrationTest {
    private static final long BIG = 64L << 20;
    private static final long SEED = 42;

    private static ItEnvironment env;
    private static GlanceClient service;
    private static GlanceClient demo;
    private static final List<String> created = new ArrayList<>();

    @BeforeAll
    static void connect() throws Exception {
        env = ItEnvironment.load();
        service = env.client("glance-convert");
        demo = env.client("demo");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (String id : created) {
            service.delete(id);
        }
        service.close();
        demo.close();
    }

    private static GlanceImage create(GlanceClient c, NewImage n) throws Exception {
        GlanceImage image = c.create(n);
        created.add(image.id());
        return image;
    }

    @Test
    void passwordAuthFindsTheImageEndpointAndProject() throws Exception {
        assertEquals(env.get("GLANCE_URL"), service.session().imageEndpoint().url());
        assertEquals("RegionOne", service.session().imageEndpoint().region());
        assertEquals(env.get("KEYSTONE_SERVICE_PROJECT_ID"), service.session().projectId());
        assertEquals(env.get("KEYSTONE_DEMO_PROJECT_ID"), demo.session().projectId());
    }

    @Test
    void applicationCredentialAuthWorks() throws Exception {
        try (GlanceClient app = env.client("glance-convert-appcred")) {
            assertEquals(env.get("KEYSTONE_SERVICE_PROJECT_ID"), app.session().projectId());
            GlanceImage image = create(app, NewImage.named("it-appcred").diskFormat("raw"));
            assertEquals(env.get("KEYSTONE_SERVICE_PROJECT_ID"), image.owner());
        }
    }

    @Test
    void wrongPasswordIsRefusedWithoutRetrying() throws Exception {
        CloudEntry good = env.cloud("demo");
        org.glanceconvert.config.PasswordAuth p = (org.glanceconvert.config.PasswordAuth) good.auth();
        CloudEntry bad = new CloudEntry("bad", good.source(), new org.glanceconvert.config.PasswordAuth(p.authUrl(),
                p.username(), null, new org.glanceconvert.config.Secret("wrong-password"), p.projectName(), null,
                p.userDomainName(), p.userDomainId(), p.projectDomainName(), p.projectDomainId()),
                good.region(), good.endpointInterface(), null, true);
        KeystoneException e = assertThrows(KeystoneException.class, () -> GlanceClient.connect(bad, ClientOptions.defaults()));
        assertEquals(401, e.status());
        assertFalse(e.getMessage().contains("wrong-password"), e.getMessage());
    }

    @Test
    void aRegionWithoutImageEndpointRefusesToStart() throws Exception {
        CloudEntry good = env.cloud("glance-convert");
        CloudEntry elsewhere = new CloudEntry("elsewhere", good.source(), good.auth(), "RegionNowhere",
                good.endpointInterface(), null, true);
        NoImageEndpointException e = assertThrows(NoImageEndpointException.class,
                () -> GlanceClient.connect(elsewhere, ClientOptions.defaults()));
        assertTrue(e.getMessage().contains("RegionNowhere") && e.getMessage().contains("public@RegionOne"), e.getMessage());
    }

    @Test
    void createWithChosenIdThenConflictOnReuseAndAfterDelete() throws Exception {
        String id = UUID.randomUUID().toString();
        GlanceImage image = demo.create(NewImage.named("it-chosen").id(id).diskFormat("qcow2").property("it_prop", "x")
                .tag("it-tag").minDisk(1));
        assertEquals(id, image.id());
        assertEquals("queued", image.status());
        assertEquals("shared", image.visibility(), "visibility survives as Glance says it");
        assertEquals("x", image.userProperties().get("it_prop"));
        assertEquals(Set.of("it-tag"), image.tags());
        ImageConflictException conflict = assertThrows(ImageConflictException.class,
                () -> demo.create(NewImage.named("again").id(id).diskFormat("raw")));
        assertEquals(id, conflict.imageId());
        assertTrue(conflict.serviceMessage().contains("already exists"), conflict.serviceMessage());
        assertTrue(demo.delete(id));
        assertFalse(demo.delete(id), "already gone");
        assertTrue(demo.get(id).isEmpty());
        assertThrows(ImageConflictException.class, () -> demo.create(NewImage.named("again").id(id).diskFormat("raw")),
                "Glance never reuses a deleted id");
    }

    @Test
    void streamsA64MiBUploadWithBoundedHeapAndDownloadsItVerified() throws Exception {
        GlanceImage image = create(service, NewImage.named("it-big").diskFormat("raw"));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        service.upload(image.id(), UploadBody.ofStream(new GeneratedData(SEED, BIG), -1));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < BIG / 4, "upload allocated " + allocated + " bytes for a " + BIG + "-byte image");

        GlanceImage active = service.get(image.id()).orElseThrow();
        assertEquals("active", active.status());
        assertEquals(BIG, active.size());
        assertEquals(sha512(new GeneratedData(SEED, BIG)), active.osHashValue());

        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        long total = 0;
        try (VerifyingDownload in = service.download(active)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                sha.update(buf, 0, n);
                total += n;
            }
            assertEquals(0, in.resumes());
        }
        assertEquals(BIG, total);
        assertEquals(active.osHashValue(), HexFormat.of().formatHex(sha.digest()));

        HttpRangeByteSource ranges = service.openRanges(active).orElseThrow(() -> new AssertionError("file store serves ranges"));
        assertEquals(BIG, ranges.size());
        for (long offset : new long[] {0, 511, 65536, 10_000_001, BIG - 100}) {
            byte[] got = new byte[100];
            ranges.readFully(offset, ByteBuffer.wrap(got));
            assertArrayEquals(GeneratedData.slice(SEED, BIG, offset, 100), got, "bytes at " + offset);
        }
        byte[] big = new byte[300_000];
        ranges.readFully(20_000_000, ByteBuffer.wrap(big));
        assertArrayEquals(GeneratedData.slice(SEED, BIG, 20_000_000, big.length), big);
        assertTrue(ranges.bytesFetched() < 2_000_000, "range reads fetched " + ranges.bytesFetched() + " bytes");
        assertEquals(-1, ranges.read(BIG, ByteBuffer.allocate(1)));
    }

    @Test
    void wrongExpectationsFailTheDownload() throws Exception {
        GlanceImage image = create(service, NewImage.named("it-small").diskFormat("raw"));
        service.upload(image.id(), UploadBody.ofStream(new GeneratedData(7, 100_000), 100_000));
        com.fasterxml.jackson.databind.node.ObjectNode json = service.get(image.id()).orElseThrow().json();
        json.put("checksum", "00000000000000000000000000000000");
        try (InputStream in = service.download(new GlanceImage(json))) {
            assertThrows(ChecksumMismatchException.class, () -> in.transferTo(java.io.OutputStream.nullOutputStream()));
        }
    }

    @Test
    void patchPropertiesAndHideThenListHidden() throws Exception {
        GlanceImage image = create(service, NewImage.named("it-patch").diskFormat("raw").property("it_marker", "patch"));
        GlanceImage patched = service.patch(image.id(), JsonPatch.create()
                .set("glance_convert_state", "ok").set("os_hidden", true).remove("it_marker"));
        assertEquals("ok", patched.userProperties().get("glance_convert_state"));
        assertTrue(patched.isHidden());
        assertFalse(patched.userProperties().containsKey("it_marker"));
        GlanceException e = assertThrows(GlanceException.class,
                () -> service.patch(image.id(), JsonPatch.create().set("os_glance_x", "y")));
        assertEquals(403, e.status());
        assertFalse(e.serviceMessage().isEmpty(), "Glance's message is carried");

        Set<String> visible = ids(service.listAll(ImageQuery.all().property("glance_convert_state", "ok")));
        Set<String> hidden = ids(service.listAll(ImageQuery.all().property("glance_convert_state", "ok").osHidden(true)));
        assertFalse(visible.contains(image.id()), "hidden images are not in default listings");
        assertTrue(hidden.contains(image.id()));
    }

    @Test
    void pagesPast25WithLimitAndMarker() throws Exception {
        String tag = "it-page-" + UUID.randomUUID();
        Set<String> made = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            made.add(create(service, NewImage.named("it-page-" + i).diskFormat("raw").tag(tag)).id());
        }
        ImagePage first = service.list(ImageQuery.all().tag(tag).sort("created_at:asc,id:asc").pageSize(25), null);
        assertEquals(25, first.images().size());
        assertTrue(first.hasNext());
        ImagePage second = service.list(ImageQuery.all().tag(tag).sort("created_at:asc,id:asc").pageSize(25), first.nextMarker());
        assertEquals(5, second.images().size());
        Set<String> seen = ids(service.listAll(ImageQuery.all().tag(tag).sort("created_at:asc,id:asc").pageSize(7)));
        assertEquals(made, seen);
    }

    @Test
    void tagsDeactivateReactivateAndMembers() throws Exception {
        GlanceImage image = create(service, NewImage.named("it-actions").diskFormat("raw"));
        service.upload(image.id(), UploadBody.ofStream(new GeneratedData(3, 4096), 4096));
        service.addTag(image.id(), "glance-convert-it");
        assertTrue(service.get(image.id()).orElseThrow().tags().contains("glance-convert-it"));
        assertTrue(service.removeTag(image.id(), "glance-convert-it"));
        assertFalse(service.removeTag(image.id(), "glance-convert-it"));
        service.deactivate(image.id());
        assertEquals("deactivated", service.get(image.id()).orElseThrow().status());
        service.reactivate(image.id());
        assertEquals("active", service.get(image.id()).orElseThrow().status());

        String demoProject = env.get("KEYSTONE_DEMO_PROJECT_ID");
        ImageMember m = service.addMember(image.id(), demoProject);
        assertEquals("pending", m.status());
        assertEquals(List.of(demoProject), service.members(image.id()).stream().map(ImageMember::memberId).toList());
        assertEquals("accepted", demo.updateMember(image.id(), demoProject, "accepted").status());
        assertTrue(demo.get(image.id()).isPresent(), "the member sees the shared image");
        assertTrue(service.removeMember(image.id(), demoProject));
        assertTrue(service.members(image.id()).isEmpty());
    }

    @Test
    void theServiceUserSeesOtherProjectsImagesAndCreatesForThem() throws Exception {
        GlanceImage mine = create(demo, NewImage.named("it-demo-owned").diskFormat("raw"));
        assertEquals(mine.owner(), service.get(mine.id()).orElseThrow().owner());
        GlanceImage forDemo = create(service, NewImage.named("it-for-demo").diskFormat("raw")
                .owner(env.get("KEYSTONE_DEMO_PROJECT_ID")));
        assertEquals(env.get("KEYSTONE_DEMO_PROJECT_ID"), forDemo.owner());
        assertTrue(demo.get(forDemo.id()).isPresent());
        assertTrue(service.stores().contains("fs"));
    }

    @Test
    void missingImagesAreEmptyNotErrors() throws Exception {
        assertTrue(service.get(UUID.randomUUID().toString()).isEmpty());
        assertThrows(ImageNotFoundException.class, () -> service.deactivate(UUID.randomUUID().toString()));
    }

    private static Set<String> ids(Iterable<GlanceImage> images) {
        Set<String> out = new HashSet<>();
        images.forEach(i -> out.add(i.id()));
        return out;
    }

    private static String sha512(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-512");
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) >= 0) {
            d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
