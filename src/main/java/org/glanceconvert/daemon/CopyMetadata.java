package org.glanceconvert.daemon;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glanceconvert.GlanceConvert;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.glance.JsonPatch;
import org.glanceconvert.glance.NewImage;

/**
 * What a copy carries, as pure functions of the original: the claim it starts as, and the patch
 * that makes it the original's replacement once verified.
 */
public final class CopyMetadata {
    /** Tag on an original kept by {@code original: keep}. */
    public static final String KEPT_TAG = "glance-convert-original";
    /** Tag on an image found unsafe. */
    public static final String UNSAFE_TAG = "glance-convert-unsafe";

    /** Property prefixes never copied: our own state, and Glance's reserved namespace. */
    private static final List<String> NEVER_CARRIED_PREFIXES = List.of(Properties.PREFIX, "os_glance_");
    /**
     * Properties that describe the original's bytes rather than the disk: right on a relabelled
     * copy (same bytes), wrong on a converted one. openstacksdk's owner_specified hashes, image
     * signatures (a signed image is never converted, see the decision table).
     */
    private static final List<String> BYTES_PREFIXES = List.of("owner_specified.openstack.md5",
            "owner_specified.openstack.sha256", "img_signature");
    private static final int MAX_NAME = 255;

    private CopyMetadata() {
    }

    /**
     * The claim: a queued, hidden, private image owned by the original's owner, named so that an
     * operator who finds a leftover knows what it is.
     */
    public static NewImage claim(GlanceImage original, String copyId, String target, int attempt, Claimant claimant,
                                 Instant now) {
        String name = "glance-convert copy of " + original.id();
        return NewImage.named(name)
                .id(copyId)
                .diskFormat(target)
                .containerFormat("bare")
                .visibility("private")
                .hidden(true)
                .owner(original.owner())
                .property(Properties.SOURCE_ID, original.id())
                .property(Properties.STATE, ImageState.CLAIMED.value())
                .property(Properties.ATTEMPT, Integer.toString(attempt))
                .property(Properties.CLAIMANT, claimant.toString())
                .property(Properties.HEARTBEAT, Long.toString(now.getEpochSecond()));
    }

    /** The original's user properties a copy takes over. */
    public static Map<String, String> carriedProperties(GlanceImage original, boolean sameBytes, String target) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : original.userProperties().entrySet()) {
            String key = p.getKey();
            if (startsWithAny(key, NEVER_CARRIED_PREFIXES)) {
                continue;
            }
            if (!sameBytes && startsWithAny(key, BYTES_PREFIXES)) {
                continue;
            }
            if (!"vmdk".equals(target) && key.startsWith("vmware_disktype")) {
                continue; // describes a VMDK layout the copy does not have
            }
            out.put(key, p.getValue());
        }
        return out;
    }

    /** Facts about a verified copy that go into its provenance. */
    public record Provenance(String target, boolean sameBytes, String detectedFormat, String digest,
                             String vmwareDiskType, String vmwareAdapterType) {
    }

    /**
     * Makes the verified copy the original's replacement: name, visibility, sizes, protection,
     * tags, user properties and provenance. {@code os_hidden} stays true: {@link #reveal} is a
     * step of its own, ordered against the original policy so that two active images never
     * share a name.
     */
    public static JsonPatch finalizePatch(GlanceImage original, Provenance p, String keepSuffix, boolean revealHidden) {
        JsonPatch patch = JsonPatch.create();
        carriedProperties(original, p.sameBytes(), p.target()).forEach(patch::set);
        String name = originalName(original, keepSuffix);
        if (name != null) {
            patch.set("name", truncate(name, MAX_NAME));
        }
        if (original.visibility() != null) {
            patch.set("visibility", original.visibility());
        }
        patch.set("min_disk", original.minDisk());
        patch.set("min_ram", original.minRam());
        patch.set("protected", original.isProtected());
        java.util.Set<String> tags = new java.util.LinkedHashSet<>(original.tags());
        tags.remove(KEPT_TAG); // ours, on the original only
        patch.set("tags", tags);
        patch.set(Properties.REVEAL_HIDDEN, Boolean.toString(revealHidden));
        patch.set(Properties.SOURCE_DISK_FORMAT, nz(original.diskFormat()));
        patch.set(Properties.DETECTED_FORMAT, p.detectedFormat());
        patch.set(Properties.VERSION, GlanceConvert.version());
        if (p.digest() != null) {
            patch.set(Properties.DIGEST, p.digest());
        }
        if ("vmdk".equals(p.target())) {
            if (p.vmwareDiskType() != null) {
                patch.set("vmware_disktype", p.vmwareDiskType());
            }
            if (p.vmwareAdapterType() != null) {
                patch.set("vmware_adaptertype", p.vmwareAdapterType());
            }
        }
        return patch;
    }

    /**
     * The original's name before {@code original: keep} renamed it (a resumed finish must not
     * give the copy the suffixed name).
     */
    public static String originalName(GlanceImage original, String keepSuffix) {
        String name = original.name();
        if (name != null && keepSuffix != null && !keepSuffix.isEmpty() && original.tags().contains(KEPT_TAG)
                && name.endsWith(keepSuffix)) {
            return name.substring(0, name.length() - keepSuffix.length());
        }
        return name;
    }

    /**
     * The {@code os_hidden} the copy takes when revealed: as recorded on it by an earlier finish,
     * else the original's now (before the original policy may hide it).
     */
    public static boolean revealHidden(GlanceImage original, GlanceImage copy) {
        return copy.property(Properties.REVEAL_HIDDEN).map(Boolean::parseBoolean).orElse(original.isHidden());
    }

    /** Shows the copy as the original was shown. */
    public static JsonPatch reveal(boolean hidden) {
        return JsonPatch.create().set("os_hidden", hidden);
    }

    /** The last step on the copy: done, with its claim's working properties removed. */
    public static JsonPatch done(GlanceImage copy) {
        JsonPatch patch = JsonPatch.create().set(Properties.STATE, ImageState.DONE.value());
        if (copy.property(Properties.HEARTBEAT).isPresent()) {
            patch.remove(Properties.HEARTBEAT);
        }
        return patch;
    }

    /** VMware's {@code vmware_disktype} for a VMDK subformat. */
    public static String vmwareDiskType(String subformat) {
        if (subformat == null) {
            return null;
        }
        return switch (subformat) {
            case "streamOptimized" -> "streamOptimized";
            case "monolithicSparse" -> "sparse";
            default -> null;
        };
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static boolean startsWithAny(String key, List<String> prefixes) {
        for (String p : prefixes) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
