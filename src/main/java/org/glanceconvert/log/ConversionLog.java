package org.glanceconvert.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conversion log: one JSON line per decision, appended to a file an operator reviews with
 * {@code glance-convert log}, and echoed to the application log.
 */
public final class ConversionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("glance-convert.conversions");
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final Writer out;

    private ConversionLog(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    /** Opens {@code file} for appending, creating it and its directory. */
    public static ConversionLog open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new ConversionLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    public Path file() {
        return file;
    }

    /** Appends one record as a whole line and flushes it, so a crash loses at most the line being written. */
    public synchronized void append(ConversionRecord record) throws IOException {
        String line = toJson(record);
        out.write(line);
        out.write('\n');
        out.flush();
        LOG.info("{} {} ({}): {}{}", record.action().id(), record.imageId(), record.imageName(),
                record.result() == null ? "" : record.result(),
                record.reason() == null ? "" : " - " + record.reason());
    }

    /** Feeds every record of {@code file} that passes {@code filter} to {@code sink}, in order. */
    public static void read(Path file, Predicate<ConversionRecord> filter, Consumer<ConversionRecord> sink)
            throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                ConversionRecord record;
                try {
                    record = JSON.readValue(line, ConversionRecord.class);
                } catch (JsonProcessingException e) {
                    // A torn last line after a crash must not hide the rest of the log.
                    LOG.warn("{}:{}: not a conversion record, skipped", file, number);
                    continue;
                }
                if (filter.test(record)) {
                    sink.accept(record);
                }
            }
        }
    }

    public static String toJson(ConversionRecord record) throws JsonProcessingException {
        return JSON.writeValueAsString(record);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
