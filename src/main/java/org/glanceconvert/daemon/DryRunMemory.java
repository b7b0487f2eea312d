package org.glanceconvert.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.glanceconvert.glance.GlanceImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dry run decided, kept in the work directory instead of Glance (a dry run changes nothing
 * there), so an unchanged image is not read again at every poll or restart. An image counts as
 * unchanged while its id, {@code updated_at} and data hash are: any edit of its metadata may
 * change the decision and makes it new. One JSON line per decision; the last line of an image wins.
 */
public final class DryRunMemory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DryRunMemory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> decided = new HashMap<>();
    private final BufferedWriter out;

    private DryRunMemory(BufferedWriter out) {
        this.out = out;
    }

    /** Loads the memory kept in {@code file} and compacts it (one line per image). */
    public static DryRunMemory open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, String> loaded = new HashMap<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                try {
                    JsonNode n = JSON.readTree(line);
                    if (n != null && n.hasNonNull("id") && n.hasNonNull("key")) {
                        loaded.put(n.get("id").asText(), n.get("key").asText());
                    }
                } catch (IOException e) {
                    LOG.debug("{}: unreadable line skipped", file);
                }
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Map.Entry<String, String> e : loaded.entrySet()) {
                    w.write(line(e.getKey(), e.getValue(), null));
                    w.newLine();
                }
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        DryRunMemory m = new DryRunMemory(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        m.decided.putAll(loaded);
        return m;
    }

    /** The identity of an image's state that a decision depends on. */
    public static String key(GlanceImage image) {
        String hash = image.osHashValue() != null ? image.osHashValue() : image.checksum();
        return image.updatedAt() + "|" + hash;
    }

    public synchronized boolean known(GlanceImage image) {
        return key(image).equals(decided.get(image.id()));
    }

    public synchronized void remember(GlanceImage image, String action) throws IOException {
        String key = key(image);
        decided.put(image.id(), key);
        out.write(line(image.id(), key, action));
        out.newLine();
        out.flush();
    }

    public synchronized int size() {
        return decided.size();
    }

    private static String line(String id, String key, String action) throws IOException {
        var n = JSON.createObjectNode().put("id", id).put("key", key);
        if (action != null) {
            n.put("action", action);
        }
        return JSON.writeValueAsString(n);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
