package org.glanceconvert.convert;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * An output file that appears under its name only when complete: written as
 * {@code NAME.tmp-XXXXXXXX} in the same directory, then renamed over the destination atomically
 * (after forcing it to disk when asked to be durable). A failed or interrupted conversion deletes the temporary file (a
 * shutdown hook covers Ctrl-C), so a half-written image never carries the destination name.
 */
public final class AtomicOutputFile implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path destination;
    private final Path temporary;
    private final FileChannel channel;
    private final Thread cleanup;
    private boolean committed;

    private AtomicOutputFile(Path destination, Path temporary, FileChannel channel) {
        this.destination = destination;
        this.temporary = temporary;
        this.channel = channel;
        this.cleanup = new Thread(this::deleteQuietly, "glance-convert-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Creates a new empty temporary file beside {@code destination} whose bulk data reaches the
     * disk as {@code cache} says.
     */
    public static AtomicOutputFile create(Path destination, WriteCache cache) throws IOException {
        Path absolute = destination.toAbsolutePath();
        Path dir = absolute.getParent();
        String name = absolute.getFileName().toString();
        for (int attempt = 0; ; attempt++) {
            byte[] id = new byte[4];
            RANDOM.nextBytes(id);
            Path temp = dir.resolve(name + ".tmp-" + HexFormat.of().formatHex(id));
            try {
                FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
                try {
                    ch = withDirectIo(temp, ch, cache);
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    Files.deleteIfExists(temp);
                    throw e;
                }
                return new AtomicOutputFile(absolute, temp, ch);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /**
     * The file as a channel that may send aligned bulk writes around the page cache; as is when
     * {@code cache} is {@link WriteCache#WRITEBACK}, or {@link WriteCache#AUTO} on a file system
     * without direct I/O. {@link WriteCache#NONE} there is an error.
     */
    private static FileChannel withDirectIo(Path file, FileChannel channel, WriteCache cache) throws IOException {
        if (cache == WriteCache.WRITEBACK) {
            return channel;
        }
        FileChannel direct = null;
        try {
            direct = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            return new DirectIoFileChannel(channel, direct, Math.toIntExact(Files.getFileStore(file).getBlockSize()),
                    cache);
        } catch (IOException | RuntimeException e) {
            if (direct != null) {
                direct.close();
            }
            if (cache == WriteCache.NONE) {
                throw new IOException("the file system of " + file.getParent() + " does not support direct I/O"
                        + " (-t none): " + e.getMessage(), e);
            }
            return channel;
        }
    }

    public FileChannel channel() {
        return channel;
    }

    public Path temporary() {
        return temporary;
    }

    /**
     * Renames the file to its destination, first forcing its data to disk when {@code durable}
     * (so that a power loss cannot leave a renamed file with missing data; it costs the time to
     * write the whole image out, which QEMU does not spend either).
     */
    public void commit(boolean durable) throws IOException {
        if (durable) {
            channel.force(true);
        }
        channel.close();
        try {
            Files.move(temporary, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /** Deletes the temporary file unless it was committed. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
            if (!committed) {
                Files.deleteIfExists(temporary);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to run; it deletes the file itself
            }
        }
    }

    private void deleteQuietly() {
        if (!committed) {
            try {
                channel.close();
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // best effort while the JVM exits
            }
        }
    }
}
