package org.glanceconvert.daemon;

/**
 * The image properties glance-convert reads and writes: one namespace, {@code glance_convert_},
 * documented in docs/contracts.md. A Glance property-protections file should reserve them to
 * the service role (deploy/glance/property-protections.conf).
 */
public final class Properties {
    public static final String PREFIX = "glance_convert_";
    public static final String STATE = PREFIX + "state";
    public static final String SOURCE_ID = PREFIX + "source_id";
    public static final String SOURCE_DISK_FORMAT = PREFIX + "source_disk_format";
    public static final String DETECTED_FORMAT = PREFIX + "detected_format";
    public static final String REASON = PREFIX + "reason";
    public static final String ATTEMPT = PREFIX + "attempt";
    public static final String VERSION = PREFIX + "version";
    public static final String DIGEST = PREFIX + "digest";
    /** On the original once done: the id of its verified copy. */
    public static final String COPY_ID = PREFIX + "copy_id";
    /**
     * On a copy: the {@code os_hidden} it takes when revealed, recorded before the original policy
     * runs (which may hide the original), so that a resumed finish reveals it as the original was.
     */
    public static final String REVEAL_HIDDEN = PREFIX + "reveal_hidden";
    /** On a copy in progress: epoch seconds of its claimant's last sign of life. */
    public static final String HEARTBEAT = PREFIX + "heartbeat";
    /** On a copy in progress: which process works on it ({@code replica/incarnation}). */
    public static final String CLAIMANT = PREFIX + "claimant";
    /** Set by a user: {@code true} opts the image out of conversion (not out of safety checks). */
    public static final String SKIP = PREFIX + "skip";
    /** Set by a user: the format this image should end up in, overriding the cloud's target. */
    public static final String TARGET = PREFIX + "target";

    private Properties() {
    }
}
