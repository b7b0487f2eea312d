package org.glanceconvert.format;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.inspect.Finding;

/**
 * What one format's inspection found: identity, geometry and findings. A format fills this in
 * from the header and top-level tables only; it records problems rather than throwing.
 */
public final class FormatReport {

    /** A parse of a format's structures, which may stop at a problem. */
    @FunctionalInterface
    public interface Parse {
        void run() throws IOException;
    }

    private final String format;
    private String subformat;
    private Long virtualSize;
    private Long clusterSize;
    private String partitionTable;
    private final List<Finding> problems = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();

    public FormatReport(String format) {
        this.format = format;
    }

    public String format() {
        return format;
    }

    public String subformat() {
        return subformat;
    }

    public FormatReport subformat(String value) {
        this.subformat = value;
        return this;
    }

    public Long virtualSize() {
        return virtualSize;
    }

    public FormatReport virtualSize(long value) {
        this.virtualSize = value;
        return this;
    }

    public Long clusterSize() {
        return clusterSize;
    }

    public FormatReport clusterSize(long value) {
        this.clusterSize = value;
        return this;
    }

    public String partitionTable() {
        return partitionTable;
    }

    public FormatReport partitionTable(String value) {
        this.partitionTable = value;
        return this;
    }

    public FormatReport problem(Check check, String message) {
        problems.add(Finding.of(check, message));
        return this;
    }

    public FormatReport problem(Finding finding) {
        problems.add(finding);
        return this;
    }

    public FormatReport warning(Check check, String message) {
        warnings.add(Finding.of(check, message));
        return this;
    }

    public FormatReport warning(String id, String message) {
        warnings.add(new Finding(id, message));
        return this;
    }

    public List<Finding> problems() {
        return problems;
    }

    public List<Finding> warnings() {
        return warnings;
    }

    /**
     * Runs {@code parse}, recording what stops it as a problem: its check id, or
     * {@code format.truncated} when the file ends inside the {@code structures} it reads.
     */
    public FormatReport recording(String structures, Parse parse) throws IOException {
        try {
            parse.run();
        } catch (ImageFormatException e) {
            problem(Finding.of(e));
        } catch (EOFException e) {
            problem(Check.FORMAT_TRUNCATED, "the file ends inside " + structures + ": " + e.getMessage());
        }
        return this;
    }

    /** True when the report names the given check among its problems. */
    public boolean hasProblem(Check check) {
        return problems.stream().anyMatch(p -> p.check().equals(check.id()));
    }
}
