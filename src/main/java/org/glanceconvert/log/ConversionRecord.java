package org.glanceconvert.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * One line of the conversion log: one decision about one image (docs/contracts.md). Fields that
 * do not apply are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"time", "cloud", "image_id", "image_name", "owner", "declared_format", "detected_format",
        "detected_subformat", "virtual_size", "action", "target_format", "new_image_id", "bytes_in", "bytes_out",
        "download_ms", "convert_ms", "upload_ms", "result", "reason", "checks", "dry_run"})
public record ConversionRecord(
        @JsonProperty("time") Instant time,
        @JsonProperty("cloud") String cloud,
        @JsonProperty("image_id") String imageId,
        @JsonProperty("image_name") String imageName,
        @JsonProperty("owner") String owner,
        @JsonProperty("declared_format") String declaredFormat,
        @JsonProperty("detected_format") String detectedFormat,
        @JsonProperty("detected_subformat") String detectedSubformat,
        @JsonProperty("virtual_size") Long virtualSize,
        @JsonProperty("action") Action action,
        @JsonProperty("target_format") String targetFormat,
        @JsonProperty("new_image_id") String newImageId,
        @JsonProperty("bytes_in") Long bytesIn,
        @JsonProperty("bytes_out") Long bytesOut,
        @JsonProperty("download_ms") Long downloadMillis,
        @JsonProperty("convert_ms") Long convertMillis,
        @JsonProperty("upload_ms") Long uploadMillis,
        @JsonProperty("result") String result,
        @JsonProperty("reason") String reason,
        @JsonProperty("checks") List<String> checks,
        @JsonProperty("dry_run") Boolean dryRun) {
}
