package org.glanceconvert.daemon;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.glanceconvert.config.DaemonConfig;
import org.glanceconvert.glance.GlanceClient;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.image.Limits;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.inspect.Inspector;

/**
 * The read-only half of the daemon's work on one image, shared by {@code run} and {@code audit}:
 * the image's facts, the decision table before and after inspection, and inspection by range
 * reads (or one verified staged download). Nothing here writes to Glance.
 */
public final class ImageAssessor {
    private final CopyIds ids;
    private final Limits limits;
    private final WorkDir workDir;

    ImageAssessor(CopyIds ids, Limits limits, WorkDir workDir) {
        this.ids = ids;
        this.limits = limits;
        this.workDir = workDir;
    }

    /**
     * The assessor the daemon would use with this configuration, staging (when Glance serves no
     * range reads) under {@code stagingRoot} instead of the daemon's work directory, so that a
     * running daemon's files are never touched.
     */
    public static ImageAssessor of(DaemonConfig config, java.nio.file.Path stagingRoot) {
        return new ImageAssessor(new CopyIds(config.idNamespace()),
                Limits.DEFAULT.withMaxVirtualSize(config.maxVirtualSize()), new WorkDir(stagingRoot, config.workDirMinFree()));
    }

    public WorkDir workDir() {
        return workDir;
    }

    /**
     * True when the image carries {@code glance_convert_source_id} but is not provably our copy
     * (its id is not derived from our secret namespace): the property is then ignored, otherwise
     * anyone could exempt an image from inspection by setting it.
     */
    public boolean forgedSource(GlanceImage image) {
        return image.property(Properties.SOURCE_ID).isPresent() && !ids.isOurCopy(image);
    }

    /** The image's facts for the decision table, a forged source id removed. */
    public ImageFacts facts(GlanceImage image) {
        Map<String, String> props = new HashMap<>(image.userProperties());
        if (forgedSource(image)) {
            props.remove(Properties.SOURCE_ID);
        }
        return new ImageFacts(image.id(), image.name(), image.owner(), image.status(), image.diskFormat(),
                image.containerFormat(), image.size(), props, image.tags().stream().toList());
    }

    /** The decision table rows that need no bytes. */
    public Optional<Decision> before(ImageFacts facts) {
        return DecisionTable.before(facts);
    }

    /** The image's bytes: range reads when Glance serves them, else one verified staged download. */
    public ImageBytes open(GlanceClient client, GlanceImage image, String cloud) throws IOException {
        return ImageBytes.open(client, image, workDir, cloud);
    }

    /** Inspects the bytes as the daemon does (headers and top-level tables only). */
    public InspectionReport inspect(ImageBytes bytes, GlanceImage image) throws IOException {
        return new Inspector(limits).inspect(bytes.source(), ImageProcessor.label(image), image.diskFormat());
    }

    /** The decision once the bytes are known. */
    public Decision after(ImageFacts facts, InspectionReport report, TargetChoice choice) {
        return DecisionTable.after(facts, report, choice);
    }
}
