package org.glanceconvert.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.ImageMember;
import org.glanceconvert.glance.NewImage;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionRecord;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * The real daemon, in-process, against the real Keystone and Glance of integration-tests/up.sh:
 * every row of the decision table, every original policy, both upload paths (PUT /file and the
 * glance-direct import), hidden images, late activation, members and properties, the claim
 * collision, and no secret in any log line. All images are uploaded first and processed
 * concurrently; each test then waits for its own. Run with
 * {@code GLANCE_CONVERT_IT_ENV=RUN/env mvn -Pintegration test -Dtest=DaemonIntegrationTest}.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long SIZE = 4L << 20;

    private DaemonIt it;
    private Path dir;
    private Path log;
    private Daemon daemon;
    private ListAppender<ILoggingEvent> logLines;
    private Level previousLevel;
    private ch.qos.logback.core.Appender<ILoggingEvent> console;

    private Path raw;
    private Path qcow2;
    private Path streamVmdk;

    private GlanceImage flatVmdk;
    private GlanceImage qcow2AsRaw;
    private GlanceImage backing;
    private GlanceImage backingDeactivate;
    private GlanceImage hostFileVmdk;
    private GlanceImage alreadyRaw;
    private GlanceImage hidden;
    private GlanceImage late;
    private GlanceImage keep;
    private GlanceImage deactivate;
    private GlanceImage delete;
    private GlanceImage protectedDelete;
    private GlanceImage vmdkToQcow2;
    private GlanceImage sparseRawToQcow2;
    private Path zeroHeavyRaw;
    private GlanceImage rawToVmdk;
    private GlanceImage qcow2ToVhd;
    private GlanceImage victim;
    private String squatterId;

    @BeforeAll
    void startAndUpload() throws Exception {
        QemuImg.assumeAvailable();
        it = new DaemonIt();
        dir = Files.createTempDirectory("glance-convert-daemon-it");
        log = dir.resolve("conversions.jsonl");
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        logLines = new ListAppender<>();
        logLines.start();
        root.addAppender(logLines);
        // Everything at DEBUG is captured for the secrets check, and kept off the console (written to a file at the end).
        console = root.getAppender("STDERR");
        if (console != null) {
            root.detachAppender(console);
        }
        Logger ours = (Logger) LoggerFactory.getLogger("org.glanceconvert");
        previousLevel = ours.getLevel();
        ours.setLevel(Level.DEBUG);

        raw = TestImages.patternedRaw(dir.resolve("disk.raw"), SIZE, 11);
        qcow2 = QemuImg.convert(raw, "raw", dir.resolve("disk.qcow2"), "qcow2", null);
        streamVmdk = QemuImg.convert(raw, "raw", dir.resolve("disk.vmdk"), "vmdk", "subformat=streamOptimized");
        Path withBacking = dir.resolve("backing.qcow2");
        QemuImg.run("create", "-q", "-f", "qcow2", "-u", "-b", "/etc/hosts", "-F", "raw", withBacking.toString(), "4M").orThrow();
        Path descriptor = dir.resolve("host-file.vmdk");
        Files.writeString(descriptor, "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
                + "createType=\"monolithicFlat\"\n\n# Extent description\nRW 8 FLAT \"/etc/passwd\" 0\n\n"
                + "# The Disk Data Base\n#DDB\n\nddb.virtualHWVersion = \"4\"\nddb.adapterType = \"ide\"\n");

        Path config = it.writeConfig(dir, null,
                it.cloud("hide", "raw", "hide", "tag", null),
                it.cloud("keep", "raw", "keep", "tag", null),
                it.cloud("deact", "raw", "deactivate", "deactivate", null),
                it.cloud("del", "raw", "delete", "tag", null),
                it.cloud("kvm", "qcow2", "hide", "tag", null),
                it.cloud("vmw", "vmdk", "hide", "tag", "{options: {subformat: streamOptimized, adapter_type: lsilogic}}"),
                it.cloud("hyperv", "vhd", "hide", "tag", "{options: {subformat: dynamic}}"));
        daemon = it.start(config, "it-in-process");

        String member = it.env.get("KEYSTONE_SERVICE_PROJECT_ID");
        flatVmdk = it.put(it.demo, "esxi-flat", "vmdk", raw, n -> n.tag(it.tag("hide")));
        qcow2AsRaw = it.imported(it.demo, "qcow2-labelled-raw", "raw", qcow2, n -> n.tag(it.tag("hide")).tag("extra-tag")
                .visibility("shared").minDisk(1).minRam(64).property("hw_disk_bus", "scsi").property("os_distro", "debian")
                .property("owner_specified.openstack.md5", "0123"), queued -> {
                    // Before the data: the daemon takes the image the moment it is active.
                    it.service.addMember(queued.id(), member);
                    it.service.updateMember(queued.id(), member, "accepted");
                });
        backing = it.put(it.demo, "backing-file", "qcow2", withBacking, n -> n.tag(it.tag("hide")));
        backingDeactivate = it.put(it.demo, "backing-file-deactivate", "qcow2", withBacking, n -> n.tag(it.tag("deact")));
        hostFileVmdk = it.put(it.demo, "host-file-descriptor", "vmdk", descriptor, n -> n.tag(it.tag("hide")));
        alreadyRaw = it.put(it.demo, "already-raw", "raw", raw, n -> n.tag(it.tag("hide")));
        hidden = it.put(it.demo, "hidden-qcow2", "qcow2", qcow2, n -> n.tag(it.tag("hide")).hidden(true));
        keep = it.put(it.demo, "keep-me", "qcow2", qcow2, n -> n.tag(it.tag("keep")));
        deactivate = it.put(it.demo, "deactivate-me", "qcow2", qcow2, n -> n.tag(it.tag("deact")));
        delete = it.put(it.demo, "delete-me", "qcow2", qcow2, n -> n.tag(it.tag("del")));
        protectedDelete = it.put(it.demo, "protected", "qcow2", qcow2, n -> n.tag(it.tag("del")).protectedImage(true));
        vmdkToQcow2 = it.put(it.demo, "stream-vmdk", "vmdk", streamVmdk, n -> n.tag(it.tag("kvm")));
        rawToVmdk = it.put(it.demo, "raw-for-vmware", "raw", raw, n -> n.tag(it.tag("vmw")));
        // 16 MiB holding 68 KiB of data: over HTTP its extents are all data, its zeros must stay unallocated.
        zeroHeavyRaw = TestImages.sparseRaw(dir.resolve("zero-heavy.raw"), 16L << 20, 5, 0, 65536, 9L << 20, 4096);
        sparseRawToQcow2 = it.put(it.demo, "zero-heavy-raw", "raw", zeroHeavyRaw, n -> n.tag(it.tag("kvm")));
        qcow2ToVhd = it.put(it.demo, "qcow2-for-hyperv", "qcow2", qcow2, n -> n.tag(it.tag("hyperv")));

        // Claim collision: another project creates the copy's id before the original has data.
        victim = it.create(it.demo, "victim", "qcow2", n -> n.tag(it.tag("hide")));
        squatterId = new CopyIds(it.namespace).idFor(victim.id(), "raw", 1);
        try (var admin = it.env.client("admin")) {
            GlanceImage squat = admin.create(NewImage.named("squatter").id(squatterId).diskFormat("raw")
                    .property(Properties.SOURCE_ID, victim.id()));
            it.remember(squat.id());
        }
        it.demo.upload(victim.id(), org.glanceconvert.glance.UploadBody.ofFile(qcow2));

        // Created long before it becomes active: polls pass it by while it is queued.
        late = it.create(it.demo, "activated-late", "qcow2", n -> n.tag(it.tag("hide")));
        Thread.sleep(5000);
        it.demo.upload(late.id(), org.glanceconvert.glance.UploadBody.ofFile(qcow2));
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.stop(Duration.ofSeconds(20));
        }
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logLines);
        if (console != null) {
            root.addAppender(console);
        }
        try {
            if (dir == null) {
                throw new IOException("no directory");
            }
            StringBuilder text = new StringBuilder();
            for (ILoggingEvent e : List.copyOf(logLines.list)) {
                text.append(java.time.Instant.ofEpochMilli(e.getTimeStamp())).append(' ').append(e.getLevel()).append(' ')
                        .append(e.getThreadName()).append(' ').append(e.getLoggerName()).append(" - ")
                        .append(e.getFormattedMessage()).append('\n');
            }
            Files.writeString(dir.resolve("daemon.log"), text);
            System.err.println("DaemonIntegrationTest: daemon log in " + dir.resolve("daemon.log") + ", conversion log " + log);
        } catch (IOException e) {
            System.err.println("cannot write the daemon log: " + e);
        }
        ((Logger) LoggerFactory.getLogger("org.glanceconvert")).setLevel(previousLevel);
        if (it != null) {
            it.close();
        }
    }

    private GlanceImage done(GlanceImage image) throws Exception {
        return it.await(image.id(), DaemonIt.state("done"), WAIT, "state done");
    }

    /** The one copy of {@code original}, which must be done. */
    private GlanceImage onlyCopy(GlanceImage original) throws Exception {
        List<GlanceImage> copies = it.copiesOf(original.id());
        assertEquals(1, copies.size(), "copies of " + original.id() + ": " + copies);
        // The original is marked done just before the copy (its last step).
        GlanceImage copy = it.await(copies.get(0).id(), DaemonIt.state("done"), Duration.ofSeconds(30), "copy done");
        assertEquals("active", copy.status());
        assertEquals(original.owner(), copy.owner());
        return copy;
    }

    private void assertRawContent(GlanceImage copy) throws IOException {
        Path got = it.download(copy, dir.resolve(copy.id() + ".raw"));
        assertArrayEquals(Files.readAllBytes(raw), Files.readAllBytes(got), "the copy holds the source disk");
    }

    private void assertSameDisk(GlanceImage copy, String format) throws IOException {
        Path got = it.download(copy, dir.resolve(copy.id() + "." + format));
        QemuImg.Result r = QemuImg.compare(raw, "raw", got, format);
        assertEquals(0, r.exitCode(), "qemu-img compare: " + r.stdout() + r.stderr());
    }

    @Test
    @Order(1)
    void flatVmdkOnARawCloudIsRelabelled() throws Exception {
        GlanceImage original = done(flatVmdk);
        GlanceImage copy = onlyCopy(original);
        assertEquals("raw", copy.diskFormat());
        assertEquals(original.osHashValue(), copy.osHashValue(), "the same bytes");
        assertEquals("esxi-flat", copy.name());
        assertFalse(copy.isHidden());
        assertTrue(original.isHidden(), "original: hide");
        assertEquals(copy.id(), original.property(Properties.COPY_ID).orElse(null));
        assertEquals("vmdk", copy.property(Properties.SOURCE_DISK_FORMAT).orElse(null));
        assertEquals("raw", copy.property(Properties.DETECTED_FORMAT).orElse(null));
        assertNotNull(copy.property(Properties.DIGEST).orElse(null));
        ConversionRecord r = last(original.id(), Action.RELABEL);
        assertEquals(copy.id(), r.newImageId());
        assertEquals("done", r.result());
    }

    @Test
    @Order(2)
    void importedQcow2LabelledRawIsConvertedWithPropertiesAndMembers() throws Exception {
        GlanceImage original = done(qcow2AsRaw);
        GlanceImage copy = onlyCopy(original);
        assertEquals("raw", copy.diskFormat());
        assertRawContent(copy);
        assertEquals("qcow2-labelled-raw", copy.name());
        assertEquals("shared", copy.visibility());
        assertEquals(1, copy.minDisk());
        assertEquals(64, copy.minRam());
        assertEquals(Set.of(it.tag("hide"), "extra-tag"), copy.tags());
        assertEquals("scsi", copy.property("hw_disk_bus").orElse(null));
        assertEquals("debian", copy.property("os_distro").orElse(null));
        assertTrue(copy.property("owner_specified.openstack.md5").isEmpty(), "a hash of the original's bytes is not carried");
        assertEquals("raw", copy.property(Properties.SOURCE_DISK_FORMAT).orElse(null));
        assertEquals("qcow2", copy.property(Properties.DETECTED_FORMAT).orElse(null));
        assertEquals(Long.valueOf(SIZE), copy.virtualSize());
        List<ImageMember> members = it.service.members(copy.id());
        assertEquals(1, members.size());
        assertEquals(it.env.get("KEYSTONE_SERVICE_PROJECT_ID"), members.get(0).memberId());
        assertEquals("accepted", members.get(0).status());
        ConversionRecord r = last(original.id(), Action.CONVERT);
        assertEquals("raw", r.declaredFormat());
        assertEquals("qcow2", r.detectedFormat());
        assertEquals(copy.id(), r.newImageId());
        assertEquals(Long.valueOf(SIZE), r.bytesOut());
    }

    @Test
    @Order(3)
    void backingFileIsRejectedAndTagged() throws Exception {
        GlanceImage original = it.await(backing.id(), DaemonIt.state("rejected"), WAIT, "rejected");
        assertTrue(original.tags().contains(CopyMetadata.UNSAFE_TAG));
        assertEquals("active", original.status(), "on_unsafe: tag leaves it active");
        assertTrue(original.property(Properties.REASON).orElse("").contains("qcow2.backing_file"));
        assertTrue(it.copiesOf(original.id()).isEmpty());
        assertEquals(List.of("qcow2.backing_file"), last(original.id(), Action.REJECT).checks());
    }

    @Test
    @Order(4)
    void backingFileIsRejectedAndDeactivated() throws Exception {
        GlanceImage original = it.await(backingDeactivate.id(), DaemonIt.state("rejected"), WAIT, "rejected");
        assertEquals("deactivated", original.status());
        assertTrue(original.tags().contains(CopyMetadata.UNSAFE_TAG));
        assertTrue(it.copiesOf(original.id()).isEmpty());
    }

    @Test
    @Order(5)
    void vmdkDescriptorPointingAtAHostFileIsRejected() throws Exception {
        GlanceImage original = it.await(hostFileVmdk.id(), DaemonIt.state("rejected"), WAIT, "rejected");
        ConversionRecord r = last(original.id(), Action.REJECT);
        assertTrue(r.checks().stream().anyMatch(c -> c.startsWith("vmdk.")), r.checks().toString());
        assertTrue(it.copiesOf(original.id()).isEmpty());
    }

    @Test
    @Order(6)
    void alreadyRightIsRecordedOk() throws Exception {
        GlanceImage original = it.await(alreadyRaw.id(), DaemonIt.state("ok"), WAIT, "ok");
        assertEquals("raw", original.property(Properties.DETECTED_FORMAT).orElse(null));
        assertFalse(original.isHidden());
        assertTrue(it.copiesOf(original.id()).isEmpty());
    }

    @Test
    @Order(7)
    void hiddenImagesAreFoundAndTheirCopyStaysHidden() throws Exception {
        GlanceImage original = done(hidden);
        GlanceImage copy = onlyCopy(original);
        assertTrue(copy.isHidden());
        assertRawContent(copy);
    }

    @Test
    @Order(8)
    void anImageActivatedLongAfterItWasCreatedIsFound() throws Exception {
        GlanceImage original = done(late);
        assertRawContent(onlyCopy(original));
    }

    @Test
    @Order(9)
    void keepTagsAndRenamesTheOriginal() throws Exception {
        GlanceImage original = done(keep);
        GlanceImage copy = onlyCopy(original);
        assertEquals("keep-me", copy.name());
        assertEquals("keep-me (original)", original.name());
        assertTrue(original.tags().contains(CopyMetadata.KEPT_TAG));
        assertEquals("active", original.status());
        assertFalse(original.isHidden());
        assertRawContent(copy);
    }

    @Test
    @Order(10)
    void deactivateDeactivatesTheOriginal() throws Exception {
        GlanceImage original = done(deactivate);
        assertEquals("deactivated", original.status());
        assertRawContent(onlyCopy(original));
    }

    @Test
    @Order(11)
    void deleteDeletesTheOriginalButHidesAProtectedOne() throws Exception {
        ConversionRecord r = awaitRecord(delete.id(), Action.CONVERT);
        assertEquals("done", r.result());
        assertNull(it.get(delete.id()), "deleted");
        List<GlanceImage> copies = it.copiesOf(delete.id());
        assertEquals(1, copies.size());
        assertRawContent(copies.get(0));

        GlanceImage prot = done(protectedDelete);
        assertTrue(prot.isHidden());
        assertTrue(prot.isProtected());
        GlanceImage copy = onlyCopy(prot);
        assertTrue(copy.isProtected(), "protection is carried");
        assertTrue(last(prot.id(), Action.CONVERT).result().contains("protected"));
    }

    @Test
    @Order(12)
    void streamOptimizedVmdkOnAQcow2CloudIsConverted() throws Exception {
        GlanceImage original = done(vmdkToQcow2);
        GlanceImage copy = onlyCopy(original);
        assertEquals("qcow2", copy.diskFormat());
        assertEquals(Long.valueOf(SIZE), copy.virtualSize(), "Glance computed the qcow2's virtual size");
        assertSameDisk(copy, "qcow2");
    }

    @Test
    @Order(12)
    void aRawImageWithoutHolesBecomesASparseQcow2() throws Exception {
        GlanceImage original = done(sparseRawToQcow2);
        GlanceImage copy = onlyCopy(original);
        assertEquals("qcow2", copy.diskFormat());
        assertEquals(Long.valueOf(16L << 20), copy.virtualSize());
        // Header, refcount table and block, L1, one L2 table, 2 data clusters: 7 clusters.
        assertTrue(copy.size() <= 7L * 65536, "a qcow2 of 68 KiB of data is " + copy.size() + " bytes");
        Path got = it.download(copy, dir.resolve(copy.id() + ".qcow2"));
        QemuImg.Result r = QemuImg.compare(zeroHeavyRaw, "raw", got, "qcow2");
        assertEquals(0, r.exitCode(), "qemu-img compare: " + r.stdout() + r.stderr());
        assertEquals(0, QemuImg.check(got, "qcow2").exitCode());
    }

    @Test
    @Order(13)
    void rawOnAVmwareCloudBecomesStreamOptimizedVmdk() throws Exception {
        GlanceImage original = done(rawToVmdk);
        GlanceImage copy = onlyCopy(original);
        assertEquals("vmdk", copy.diskFormat());
        assertEquals("streamOptimized", copy.property("vmware_disktype").orElse(null));
        assertEquals("lsiLogic", copy.property("vmware_adaptertype").orElse(null));
        assertSameDisk(copy, "vmdk");
    }

    @Test
    @Order(13)
    void aVhdTargetIsWrittenToTheWorkDirectoryOnceThenUploaded() throws Exception {
        GlanceImage original = done(qcow2ToVhd);
        GlanceImage copy = onlyCopy(original);
        assertEquals("vhd", copy.diskFormat());
        assertEquals(Long.valueOf(SIZE), copy.virtualSize(), "Glance reads the VHD's size as the source's");
        assertSameDisk(copy, "vpc");
        try (var leftovers = Files.list(dir.resolve("work/hyperv/tmp"))) {
            assertEquals(0, leftovers.count(), "the spooled output is removed");
        }
    }

    @Test
    @Order(14)
    void aSquattedCopyIdFailsAndTouchesNothing() throws Exception {
        ConversionRecord r = awaitRecord(victim.id(), Action.FAIL);
        assertTrue(r.reason().contains("collision"), r.reason());
        GlanceImage v = it.get(victim.id());
        assertTrue(v.property(Properties.STATE).isEmpty(), "the original is not marked");
        assertFalse(v.isHidden());
        GlanceImage squat = it.get(squatterId);
        assertEquals("squatter", squat.name());
        assertEquals("queued", squat.status());
        assertEquals(List.of(squatterId), it.copiesOf(victim.id()).stream().map(GlanceImage::id).toList());
    }

    @Test
    @Order(15)
    void metricsCountTheDecisions() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        String body = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + daemon.healthPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(body.contains("glance_convert_images_total{action=\"convert\",cloud=\"hide\"}"), body);
        assertTrue(body.contains("glance_convert_last_successful_poll_timestamp_seconds{cloud=\"vmw\"}"), body);
        var ready = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + daemon.healthPort() + "/readyz")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
    }

    @Test
    @Order(100)
    void noSecretReachesAnyLog() throws Exception {
        List<String> secrets = new ArrayList<>();
        for (String key : List.of("GLANCE_CONVERT_PASSWORD", "DEMO_PASSWORD", "KEYSTONE_ADMIN_PASSWORD",
                "GLANCE_CONVERT_APP_CRED_SECRET", "GLANCE_SERVICE_PASSWORD")) {
            it.env.find(key).ifPresent(secrets::add);
        }
        secrets.add(it.namespace.toString());
        secrets.add(it.service.session().token());
        StringBuilder all = new StringBuilder(DaemonIt.read(log));
        for (ILoggingEvent e : List.copyOf(logLines.list)) {
            all.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                all.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        assertTrue(all.length() > 1000, "the run logged something");
        for (String secret : secrets) {
            assertFalse(all.toString().contains(secret), "a secret reached the logs");
        }
        assertFalse(all.toString().contains("gAAAAA"), "a Keystone (fernet) token reached the logs");
    }

    private ConversionRecord last(String imageId, Action action) throws IOException {
        List<ConversionRecord> rs = DaemonIt.records(log, imageId).stream().filter(r -> r.action() == action).toList();
        assertFalse(rs.isEmpty(), "no " + action.id() + " record for " + imageId);
        return rs.get(rs.size() - 1);
    }

    private ConversionRecord awaitRecord(String imageId, Action action) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            List<ConversionRecord> rs = DaemonIt.records(log, imageId).stream().filter(r -> r.action() == action).toList();
            if (!rs.isEmpty()) {
                return rs.get(rs.size() - 1);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no " + action.id() + " record for " + imageId + " in " + WAIT.toSeconds() + " s");
    }
}
