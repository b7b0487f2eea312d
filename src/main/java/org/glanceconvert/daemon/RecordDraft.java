package org.glanceconvert.daemon;

import java.time.Clock;
import java.util.List;
import org.glanceconvert.glance.GlanceImage;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.log.Action;
import org.glanceconvert.log.ConversionRecord;

/** The conversion-log line of one decision, filled in as the work proceeds. */
final class RecordDraft {
    private final String cloud;
    private final GlanceImage image;
    private final boolean dryRun;
    private String detectedFormat;
    private String detectedSubformat;
    private Long virtualSize;
    private Action action;
    private String target;
    private String newImageId;
    private Long bytesIn;
    private Long bytesOut;
    private Long downloadMillis;
    private Long convertMillis;
    private Long uploadMillis;
    private String result;
    private String reason;
    private List<String> checks;

    RecordDraft(String cloud, GlanceImage image, boolean dryRun) {
        this.cloud = cloud;
        this.image = image;
        this.dryRun = dryRun;
    }

    RecordDraft inspected(InspectionReport report) {
        detectedFormat = report.format();
        detectedSubformat = report.subformat();
        virtualSize = report.virtualSize();
        return this;
    }

    RecordDraft decided(Decision d) {
        action = d.action();
        target = d.targetFormat();
        reason = d.reason();
        checks = d.checks().isEmpty() ? null : d.checks();
        return this;
    }

    RecordDraft action(Action a) {
        this.action = a;
        return this;
    }

    RecordDraft newImage(String id) {
        this.newImageId = id;
        return this;
    }

    RecordDraft bytes(long in, long out) {
        this.bytesIn = in;
        this.bytesOut = out;
        return this;
    }

    RecordDraft bytesIn(long in) {
        this.bytesIn = in;
        return this;
    }

    RecordDraft durations(Long download, Long convert, Long upload) {
        this.downloadMillis = download;
        this.convertMillis = convert;
        this.uploadMillis = upload;
        return this;
    }

    RecordDraft result(String r) {
        this.result = r;
        return this;
    }

    RecordDraft reason(String r) {
        this.reason = r;
        return this;
    }

    /** A failure: the action becomes {@code fail}, the reason says why. */
    RecordDraft failed(String why) {
        this.action = Action.FAIL;
        this.result = "failed";
        this.reason = why;
        return this;
    }

    Action action() {
        return action;
    }

    String reason() {
        return reason;
    }

    ConversionRecord build(Clock clock) {
        return new ConversionRecord(clock.instant(), cloud, image.id(), image.name(), image.owner(), image.diskFormat(),
                detectedFormat, detectedSubformat, virtualSize, action, target, newImageId, bytesIn, bytesOut,
                downloadMillis, convertMillis, uploadMillis, result, reason, checks, dryRun ? Boolean.TRUE : null);
    }
}
