package org.glanceconvert.daemon;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work directory: per cloud, a {@code state} directory (poll horizon, dry-run memory) and a
 * {@code tmp} directory for staged sources and spooled outputs, emptied at start (whatever is
 * there belongs to a process that is gone). Space is checked before anything is written: a
 * conversion that would leave less than the floor fails alone.
 */
public final class WorkDir {
    private static final Logger LOG = LoggerFactory.getLogger(WorkDir.class);
    private final Path root;
    private final long minFree;

    public WorkDir(Path root, long minFree) {
        this.root = root;
        this.minFree = minFree;
    }

    public Path root() {
        return root;
    }

    public long minFree() {
        return minFree;
    }

    public Path stateDir(String cloud) {
        return root.resolve(cloud).resolve("state");
    }

    public Path tmpDir(String cloud) {
        return root.resolve(cloud).resolve("tmp");
    }

    /** Creates the directories and removes leftovers of an earlier process from {@code tmp}. */
    public void prepare(String cloud) throws IOException {
        Files.createDirectories(stateDir(cloud));
        Path tmp = tmpDir(cloud);
        Files.createDirectories(tmp);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
            for (Path p : leftovers) {
                if (Files.isRegularFile(p)) {
                    LOG.info("removing {} left by an earlier run", p);
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Bytes free for us in the work directory. */
    public long freeBytes() throws IOException {
        Files.createDirectories(root);
        FileStore store = Files.getFileStore(root);
        return store.getUsableSpace();
    }

    /** Throws {@link WorkDirFullException} unless {@code bytes} fit and leave the floor free. */
    public void reserve(long bytes, String what) throws IOException {
        long free = freeBytes();
        if (bytes < 0 || free - bytes < minFree) {
            throw new WorkDirFullException("work directory " + root + " has " + free + " bytes free; " + what
                    + " needs " + bytes + " and " + minFree + " must stay free (work_dir_min_free)");
        }
    }

    /** Not enough space in the work directory: fails the one image. */
    public static final class WorkDirFullException extends IOException {
        private static final long serialVersionUID = 1L;

        public WorkDirFullException(String message) {
            super(message);
        }
    }
}
