package org.glanceconvert.image;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The holes of a sparse file, through lseek(SEEK_DATA/SEEK_HOLE) on Linux (JNA; Java 17 has no
 * API for them). Where that is not available every byte counts as data, and callers fall back to
 * zero detection.
 */
public final class SparseFiles {
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;
    private static final String PLATFORM_LIBRARY_PATH = "jna.platform.library.path";
    private static final boolean AVAILABLE = loadLibc();

    private SparseFiles() {
    }

    /** Knows where a file's holes are. */
    public interface Handle extends Closeable {
        long nextData(long position, long size) throws IOException;

        long nextHole(long position, long size) throws IOException;

        @Override
        default void close() {
        }
    }

    private static final Handle DENSE = new Handle() {
        @Override
        public long nextData(long position, long size) {
            return Math.min(position, size);
        }

        @Override
        public long nextHole(long position, long size) {
            return size;
        }
    };

    /** True when lseek(SEEK_DATA/SEEK_HOLE) can be called on this platform. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** A handle on {@code path}'s holes, or one that sees none when the platform can't tell. */
    public static Handle open(Path path) {
        if (!AVAILABLE) {
            return DENSE;
        }
        int fd = LibC.open(path.toString(), O_RDONLY);
        if (fd < 0) {
            return DENSE;
        }
        return new LseekHandle(fd);
    }

    /**
     * Bytes the file occupies on disk (st_blocks * 512, as QEMU's "disk size"), or -1 when
     * the platform cannot tell.
     */
    public static long allocatedBytes(Path path) {
        if (!AVAILABLE || !(Platform.isIntel() || Platform.isARM()) || !Platform.is64Bit()) {
            return -1;
        }
        // st_blocks sits at byte 64 of struct stat on both x86_64 and aarch64 Linux.
        try (Memory stat = new Memory(256)) {
            if (LibC.stat(path.toString(), stat) != 0) {
                return -1;
            }
            return stat.getLong(64) * 512;
        }
    }

    private static boolean loadLibc() {
        if (!Platform.isLinux()) {
            return false;
        }
        // Unless jna.platform.library.path is set, JNA builds its library search path by running
        // "ldconfig -p" in a child process: tens of milliseconds of every command's start-up. The C
        // library needs no search: the dynamic linker finds glibc's by its soname, and musl
        // answers "libc.so" itself.
        if (System.getProperty(PLATFORM_LIBRARY_PATH) == null) {
            System.setProperty(PLATFORM_LIBRARY_PATH, "");
        }
        Throwable failure = null;
        for (String name : new String[] {"libc.so.6", Platform.C_LIBRARY_NAME}) {
            try {
                Native.register(LibC.class, name);
                return true;
            } catch (Throwable e) {
                failure = e;
            }
        }
        // Logged where it happens, not through a static logger: most commands never log.
        LoggerFactory.getLogger(SparseFiles.class).debug("lseek(SEEK_DATA) unavailable, holes found by zero detection only", failure);
        return false;
    }

    private static final class LseekHandle implements Handle {
        private final int fd;
        private volatile boolean unsupported;

        LseekHandle(int fd) {
            this.fd = fd;
        }

        @Override
        public long nextData(long position, long size) throws IOException {
            return seek(position, size, SEEK_DATA, position);
        }

        @Override
        public long nextHole(long position, long size) throws IOException {
            return seek(position, size, SEEK_HOLE, size);
        }

        private long seek(long position, long size, int whence, long fallback) throws IOException {
            if (position >= size) {
                return size;
            }
            if (unsupported) {
                return fallback;
            }
            long r = LibC.lseek(fd, position, whence);
            if (r >= 0) {
                return Math.min(r, size);
            }
            int errno = Native.getLastError();
            if (errno == ENXIO) {
                return size; // no data (SEEK_DATA) after position
            }
            // EINVAL: the file system does not support SEEK_DATA/SEEK_HOLE.
            unsupported = true;
            return fallback;
        }

        @Override
        public void close() {
            LibC.close(fd);
        }
    }

    private static final class LibC {
        static native int open(String path, int flags);

        static native long lseek(int fd, long offset, int whence);

        static native int close(int fd);

        static native int stat(String path, Pointer buf);
    }
}
