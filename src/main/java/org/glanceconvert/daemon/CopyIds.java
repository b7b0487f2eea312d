package org.glanceconvert.daemon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.UUID;
import org.glanceconvert.glance.GlanceImage;

/**
 * The id of the copy made for {@code (source, target, attempt)}: a name-based UUID version 5
 * (RFC 4122, SHA-1) over {@code "source_id:target:attempt"} in the deployment's secret namespace.
 *
 * <p>Creating an image with this id is the claim (Glance's only atomic step: a second create
 * answers 409). The namespace is secret because any project may create an image with an id it
 * chooses: with a public namespace an attacker could create every future copy id first and
 * block or hijack conversions. Knowing the namespace also lets us tell our own copies from images
 * that merely carry a forged {@code glance_convert_source_id}.
 */
public final class CopyIds {
    private final UUID namespace;

    public CopyIds(UUID namespace) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /** The copy id for one attempt (attempts count from 1). */
    public String idFor(String sourceId, String target, int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1");
        }
        return uuid5(namespace, sourceId + ":" + target + ":" + attempt).toString();
    }

    /**
     * True when {@code image} is a copy this deployment made: its id is the one derived from the
     * source id, target (its disk_format) and attempt it carries.
     */
    public boolean isOurCopy(GlanceImage image) {
        String source = image.property(Properties.SOURCE_ID).orElse(null);
        String target = image.diskFormat();
        int attempt = attemptOf(image);
        if (source == null || target == null || attempt < 1 || image.id() == null) {
            return false;
        }
        return idFor(source, target, attempt).equalsIgnoreCase(image.id());
    }

    /** {@code glance_convert_attempt} as a number, 0 when absent or not a positive number. */
    public static int attemptOf(GlanceImage image) {
        String a = image.property(Properties.ATTEMPT).orElse(null);
        if (a == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(a.trim());
            return n < 1 ? 0 : n;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** RFC 4122 section 4.3 with SHA-1 (version 5). */
    static UUID uuid5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-1", e);
        }
        sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits()).array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }
}
