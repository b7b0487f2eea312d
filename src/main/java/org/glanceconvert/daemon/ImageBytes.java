package org.glanceconvert.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.HttpRangeByteSource;
import org.glanceconvert.glance.VerifyingDownload;
import org.glanceconvert.image.ByteSource;
import org.glanceconvert.image.FileByteSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image's data as a random-access source: HTTP range reads when Glance's store serves them
 * (only the bytes read are fetched), else one verified download staged in the work directory
 * (checked against size, checksum and os_hash_value before it is used) and deleted on close.
 */
public final class ImageBytes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageBytes.class);

    private final ByteSource source;
    private final HttpRangeByteSource ranges;
    private final Path staged;
    private final long downloaded;
    private final long downloadMillis;

    private ImageBytes(ByteSource source, HttpRangeByteSource ranges, Path staged, long downloaded, long downloadMillis) {
        this.source = source;
        this.ranges = ranges;
        this.staged = staged;
        this.downloaded = downloaded;
        this.downloadMillis = downloadMillis;
    }

    public static ImageBytes open(GlanceClient client, GlanceImage image, WorkDir workDir, String cloud)
            throws IOException {
        Optional<HttpRangeByteSource> ranges = client.openRanges(image);
        if (ranges.isPresent()) {
            return new ImageBytes(ranges.get(), ranges.get(), null, 0, 0);
        }
        long size = image.size() == null ? 0 : image.size();
        workDir.reserve(size, "staging image " + image.id());
        Path dir = workDir.tmpDir(cloud);
        Files.createDirectories(dir);
        Path part = dir.resolve(image.id() + ".source.part");
        Path done = dir.resolve(image.id() + ".source");
        long started = System.nanoTime();
        long n = 0;
        try (VerifyingDownload in = client.download(image); OutputStream out = Files.newOutputStream(part)) {
            n = copy(in, out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        Files.move(part, done, StandardCopyOption.REPLACE_EXISTING);
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.info("image {}: Glance serves no range reads; staged {} verified bytes in {} ms", image.id(), n, millis);
        try {
            return new ImageBytes(FileByteSource.open(done), null, done, n, millis);
        } catch (IOException e) {
            Files.deleteIfExists(done);
            throw e;
        }
    }

    public ByteSource source() {
        return source;
    }

    /** True when the data was downloaded whole into the work directory. */
    public boolean staged() {
        return staged != null;
    }

    /** Bytes received from Glance so far. */
    public long bytesIn() {
        return ranges != null ? ranges.bytesFetched() : downloaded;
    }

    /** Time the staging download took (0 for range reads, which happen as they are needed). */
    public long downloadMillis() {
        return downloadMillis;
    }

    private static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        try {
            source.close();
        } finally {
            if (staged != null) {
                Files.deleteIfExists(staged);
            }
        }
    }
}
