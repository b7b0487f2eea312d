package org.glanceconvert.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The inspector's verdict on one image; the JSON of {@code inspect --json} (docs/contracts.md).
 * {@code partition_table} is always present (null when none); {@code cluster_size} and
 * {@code virtual_size} are omitted when unknown; {@code declared} and {@code matches_declared}
 * only when a declared format was given.
 */
@JsonPropertyOrder({"filename", "format", "subformat", "virtual_size", "actual_size", "cluster_size",
        "partition_table", "safe", "problems", "warnings", "declared", "matches_declared"})
public record InspectionReport(
        @JsonProperty("filename") String filename,
        @JsonProperty("format") String format,
        @JsonProperty("subformat") @JsonInclude(JsonInclude.Include.NON_NULL) String subformat,
        @JsonProperty("virtual_size") @JsonInclude(JsonInclude.Include.NON_NULL) Long virtualSize,
        @JsonProperty("actual_size") long actualSize,
        @JsonProperty("cluster_size") @JsonInclude(JsonInclude.Include.NON_NULL) Long clusterSize,
        @JsonProperty("partition_table") @JsonInclude(JsonInclude.Include.ALWAYS) String partitionTable,
        @JsonProperty("safe") boolean safe,
        @JsonProperty("problems") List<Finding> problems,
        @JsonProperty("warnings") List<Finding> warnings,
        @JsonProperty("declared") @JsonInclude(JsonInclude.Include.NON_NULL) String declared,
        @JsonProperty("matches_declared") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean matchesDeclared) {

    /** True when a problem with that check id was found. */
    public boolean hasProblem(String checkId) {
        return problems.stream().anyMatch(p -> p.check().equals(checkId));
    }
}
