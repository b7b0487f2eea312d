package org.glanceconvert.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll horizon of one cloud, in a file of the work directory, so that a restart continues
 * where the last process was sure it had everything. Written whole to a temporary file and
 * renamed, so a crash leaves the old horizon or the new one, never half of one.
 */
public final class HorizonStore {
    private static final Logger LOG = LoggerFactory.getLogger(HorizonStore.class);
    private final Path file;

    public HorizonStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The saved horizon; empty when none was saved or the file is unreadable (logged). */
    public Optional<Instant> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return Optional.of(Instant.parse(text));
        } catch (IOException | DateTimeParseException e) {
            LOG.warn("poll horizon {} is unreadable ({}); starting from the configured start", file, e.getMessage());
            return Optional.empty();
        }
    }

    public void save(Instant horizon) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, horizon.toString() + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
