package org.glanceconvert.daemon;

import java.io.IOException;
import java.util.Optional;
import org.glanceconvert.content.ContentDigest;
import org.glanceconvert.format.DiskFormat;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.vmdk.VmdkFormat;
import org.glanceconvert.format.vmdk.VmdkWriterOptions;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;

/**
 * Checks a copy in Glance before the original is touched: Glance stored exactly what was sent
 * (status, size, hash), agrees on the virtual size where it computed one, and the copy, read
 * back through our own reader, is safe, is the target format and holds the source's content.
 */
final class CopyVerifier {
    private final GlanceClient client;
    private final WorkDir workDir;
    private final String cloud;
    private final Limits limits;

    CopyVerifier(GlanceClient client, WorkDir workDir, String cloud, Limits limits) {
        this.client = client;
        this.workDir = workDir;
        this.cloud = cloud;
        this.limits = limits;
    }

    /** What was uploaded: byte count and hash (in the original's os_hash_algo). */
    record Sent(long bytes, String hashAlgo, String hash) {
    }

    /** A copy that passed, with what its provenance records. */
    record Verified(GlanceImage copy, String digest, String vmwareDiskType, String vmwareAdapterType) {
    }

    /** Thrown when the copy is not what it must be. */
    static final class VerificationException extends IOException {
        private static final long serialVersionUID = 1L;

        VerificationException(String message) {
            super(message);
        }
    }

    Verified verify(String copyId, String target, Sent sent, Long expectedVirtualSize, String expectedDigest)
            throws IOException {
        GlanceImage copy = client.get(copyId).orElseThrow(() -> new Heartbeats.ClaimLostException(copyId));
        if (!copy.isActive()) {
            throw new VerificationException("copy " + copyId + " is " + copy.status() + " after the upload, not active");
        }
        if (sent != null) {
            if (copy.size() == null || copy.size() != sent.bytes()) {
                throw new VerificationException("copy " + copyId + " holds " + copy.size() + " bytes, " + sent.bytes() + " were sent");
            }
            if (copy.osHashValue() == null || !sameAlgo(copy.osHashAlgo(), sent.hashAlgo())
                    || !copy.osHashValue().equalsIgnoreCase(sent.hash())) {
                throw new VerificationException("copy " + copyId + ": Glance's " + copy.osHashAlgo() + " "
                        + copy.osHashValue() + " is not the " + sent.hashAlgo() + " of the bytes sent (" + sent.hash() + ")");
            }
        }
        if (copy.virtualSize() != null && expectedVirtualSize != null && !copy.virtualSize().equals(expectedVirtualSize)) {
            throw new VerificationException("copy " + copyId + ": Glance computed virtual_size " + copy.virtualSize()
                    + ", the source's is " + expectedVirtualSize);
        }
        return readBack(copy, target, expectedVirtualSize, expectedDigest);
    }

    /** Reads the copy back with our reader: safe, the target format, the same content. */
    Verified readBack(GlanceImage copy, String target, Long expectedVirtualSize, String expectedDigest) throws IOException {
        try (ImageBytes bytes = ImageBytes.open(client, copy, workDir, cloud)) {
            InspectionReport report = new Inspector(limits).inspect(bytes.source(), "copy " + copy.id(), target);
            if (!report.safe()) {
                throw new VerificationException("copy " + copy.id() + " reads back unsafe: " + report.problems().get(0).check()
                        + ": " + report.problems().get(0).message());
            }
            String format = "iso".equals(report.format()) && "raw".equals(target) ? "raw" : report.format();
            if (!target.equals(format)) {
                throw new VerificationException("copy " + copy.id() + " reads back as " + report.format() + ", not " + target);
            }
            DiskFormat reader = DiskFormats.byName(report.format()).orElseThrow(() ->
                    new VerificationException("no reader for " + report.format()));
            String digest;
            try (VirtualDisk disk = reader.open(bytes.source(), limits)) {
                if (expectedVirtualSize != null && disk.size() != expectedVirtualSize) {
                    throw new VerificationException("copy " + copy.id() + " has a virtual size of " + disk.size()
                            + ", the source " + expectedVirtualSize);
                }
                digest = ContentDigest.of(disk);
            } catch (ImageFormatException e) {
                throw new VerificationException("copy " + copy.id() + " cannot be read back: " + e.getMessage());
            }
            if (expectedDigest != null && !expectedDigest.equals(digest)) {
                throw new VerificationException("copy " + copy.id() + ": content digest " + digest
                        + " differs from the source's " + expectedDigest);
            }
            String diskType = null;
            String adapter = null;
            if ("vmdk".equals(target) && reader instanceof VmdkFormat vmdk) {
                diskType = CopyMetadata.vmwareDiskType(report.subformat());
                Optional<String> a = vmdk.adapterType(bytes.source(), limits);
                if (a.isPresent()) {
                    try {
                        adapter = VmdkWriterOptions.AdapterType.parse(a.get()).glanceValue().orElse(null);
                    } catch (ImageFormatException e) {
                        adapter = null; // an adapter Nova does not know: leave the property out
                    }
                }
            }
            return new Verified(copy, digest, diskType, adapter);
        }
    }

    private static boolean sameAlgo(String glance, String ours) {
        String g = glance == null ? "sha512" : glance.toLowerCase(java.util.Locale.ROOT);
        String o = ours == null ? "sha512" : ours.toLowerCase(java.util.Locale.ROOT);
        return g.equals(o);
    }
}
