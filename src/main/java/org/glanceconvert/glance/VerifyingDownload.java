package org.glanceconvert.glance;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data of one image as a stream that checks itself while it is read: byte count against
 * {@code size}, MD5 against {@code checksum}, and {@code os_hash_algo} against
 * {@code os_hash_value}. The end of the stream is reported only after all of them agree; a
 * mismatch is a {@link ChecksumMismatchException} or {@link TruncatedDownloadException} from
 * the read that would have returned -1, so no caller can act on unverified data by accident.
 *
 * <p>When the connection breaks part-way, the download continues from the byte it reached with
 * a range request (or, if Glance answers the range with the whole image, re-reads and discards
 * the bytes it already has), at most as often as the retry policy allows.
 */
public final class VerifyingDownload extends InputStream {
    private static final Logger LOG = LoggerFactory.getLogger(VerifyingDownload.class);

    private final GlanceClient client;
    private final GlanceImage image;
    private final Long expectedSize;
    private final MessageDigest md5;
    private final MessageDigest osHash;
    private final String osHashAlgo;
    private Response response;
    private InputStream in;
    private long position;
    private int resumes;
    private boolean verified;
    private boolean closed;

    VerifyingDownload(GlanceClient client, GlanceImage image) throws IOException {
        this.client = client;
        this.image = image;
        this.expectedSize = image.size();
        this.md5 = image.checksum() == null ? null : digest("MD5");
        String algo = image.osHashAlgo();
        MessageDigest h = null;
        if (algo != null && image.osHashValue() != null) {
            String javaName = OsHashAlgorithms.javaName(algo);
            if (javaName == null) {
                LOG.warn("image {}: os_hash_algo {} is not known here; verifying size and MD5 only", image.id(), algo);
            } else {
                h = digest(javaName);
            }
        }
        this.osHash = h;
        this.osHashAlgo = algo;
        if (!image.isActive() && !"deactivated".equals(image.status())) {
            throw new IOException("image " + image.id() + " is " + image.status() + ", it has no data to download");
        }
        open();
    }

    /** Bytes delivered so far. */
    public long position() {
        return position;
    }

    /** Times the download resumed after a broken connection. */
    public int resumes() {
        return resumes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("download closed");
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                resumeAfter(e);
                continue;
            }
            if (n < 0) {
                if (expectedSize != null && position < expectedSize) {
                    // A body that ends early without an error is still a truncation: fetch the rest.
                    resumeAfter(new TruncatedDownloadException("image " + image.id() + ": data ended after " + position
                            + " of " + expectedSize + " bytes"));
                    continue;
                }
                finish();
                return -1;
            }
            position += n;
            if (expectedSize != null && position > expectedSize) {
                throw new TruncatedDownloadException("image " + image.id() + ": Glance sent more than the recorded size "
                        + expectedSize);
            }
            if (md5 != null) {
                md5.update(b, off, n);
            }
            if (osHash != null) {
                osHash.update(b, off, n);
            }
            return n;
        }
    }

    private void finish() throws IOException {
        if (verified) {
            return;
        }
        if (md5 != null) {
            check("md5", image.checksum(), md5);
        }
        if (osHash != null) {
            check(osHashAlgo, image.osHashValue(), osHash);
        }
        verified = true;
    }

    private void check(String algo, String expected, MessageDigest digest) throws ChecksumMismatchException {
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(expected)) {
            throw new ChecksumMismatchException(image.id(), algo, expected, actual);
        }
    }

    private void resumeAfter(IOException cause) throws IOException {
        closeResponse();
        RetryPolicy retry = client.options().retry();
        if (!RetryPolicy.isTransient(cause) || resumes + 1 >= retry.attempts()) {
            throw cause;
        }
        resumes++;
        LOG.warn("image {}: download broke at byte {} ({}); resuming ({} of {})", image.id(), position, cause.toString(),
                resumes, retry.attempts() - 1);
        retry.backoff(resumes);
        open();
    }

    private void open() throws IOException {
        Response r = client.openFile(image.id(), position, -1);
        ResponseBody body = r.body();
        if (r.code() == 204 || body == null) {
            r.close();
            throw new IOException("image " + image.id() + " has no data (HTTP " + r.code() + ")");
        }
        InputStream stream = body.byteStream();
        if (position > 0) {
            if (r.code() == 206) {
                long start = HttpRangeByteSource.contentRangeStart(r.header("Content-Range"));
                if (start != position) {
                    r.close();
                    throw new IOException("image " + image.id() + ": asked to resume at " + position + ", Glance sent from " + start);
                }
            } else {
                // The whole image again: skip what has been verified already.
                long skip = position;
                byte[] sink = new byte[64 * 1024];
                while (skip > 0) {
                    int n = stream.read(sink, 0, (int) Math.min(sink.length, skip));
                    if (n < 0) {
                        r.close();
                        throw new TruncatedDownloadException("image " + image.id() + ": resumed data ended before byte " + position);
                    }
                    skip -= n;
                }
            }
        }
        this.response = r;
        this.in = stream;
    }

    private void closeResponse() {
        if (response != null) {
            response.close();
            response = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeResponse();
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " missing from the JDK", e);
        }
    }
}
