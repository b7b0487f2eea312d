package org.glanceconvert.format.vmdk;

import static org.glanceconvert.format.vmdk.SparseExtentHeader.SECTOR;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * One compressed grain of a stream-optimized extent: a grain marker (LBA, size) and zlib data.
 * The marker must name the grain the grain table says it is, its data must lie in the file, and
 * inflation stops at the grain size, so no grain can make us produce more than one grain of bytes.
 *
 * @param start          byte offset of the marker
 * @param compressedSize bytes of zlib data after the marker
 */
record CompressedGrain(long start, long compressedSize) {

    /** Bytes the marker and its data occupy, in whole sectors. */
    long storedBytes() {
        return SparseVmdk.roundUpToSector(StreamMarker.GRAIN_HEADER + compressedSize);
    }

    /** Reads and checks the marker of grain {@code grainIndex} whose table entry is {@code sector}. */
    static CompressedGrain locate(SparseVmdk image, long grainIndex, long sector) throws IOException {
        long start = sector * SECTOR;
        image.checkGrainLocation(grainIndex, start, StreamMarker.GRAIN_HEADER);
        byte[] head = image.source().readBytes(start, StreamMarker.GRAIN_HEADER);
        return fromMarker(image, grainIndex, start, StreamMarker.parse(head, 0));
    }

    /**
     * Reads grain {@code grainIndex} (table entry {@code sector}) and inflates it into {@code out},
     * which has room for exactly one grain, through {@code codec}'s window of file bytes.
     */
    static void read(SparseVmdk image, long grainIndex, long sector, GrainInflater codec, ByteBuffer out)
            throws IOException {
        long start = sector * SECTOR;
        image.checkGrainLocation(grainIndex, start, StreamMarker.GRAIN_HEADER);
        int at = codec.load(image.source(), image.fileSize(), start, StreamMarker.GRAIN_HEADER);
        CompressedGrain grain = fromMarker(image, grainIndex, start, StreamMarker.parse(codec.window(), at));
        // fromMarker bounded the size by the grain size and the file: this fits an int
        at = codec.load(image.source(), image.fileSize(), start, (int) (StreamMarker.GRAIN_HEADER + grain.compressedSize()));
        grain.inflate(image, grainIndex, codec.inflater(), codec.window(), at + StreamMarker.GRAIN_HEADER, out);
    }

    private static CompressedGrain fromMarker(SparseVmdk image, long grainIndex, long start, StreamMarker marker)
            throws ImageFormatException {
        SparseExtentHeader h = image.effectiveHeader();
        if (marker.size() == 0) {
            throw grainProblem(grainIndex, "points at byte " + start + ", a metadata marker, not a grain");
        }
        long lba = grainIndex * h.grainSize();
        if (marker.value() != lba) {
            throw grainProblem(grainIndex, "has a marker for LBA " + Long.toUnsignedString(marker.value())
                    + " but the grain table puts it at LBA " + lba);
        }
        long size = marker.compressedSize();
        if (size > 2L * h.grainBytes()) {
            throw grainProblem(grainIndex, "claims " + size + " compressed bytes, more than twice the grain size");
        }
        if (size > image.fileSize() - start - StreamMarker.GRAIN_HEADER) {
            throw grainProblem(grainIndex, "at byte " + start + " has " + size
                    + " compressed bytes that run past the end of the file (" + image.fileSize() + " bytes)");
        }
        image.checkGrainLocation(grainIndex, start, StreamMarker.GRAIN_HEADER + size);
        return new CompressedGrain(start, size);
    }

    /**
     * Inflates the grain into a new array of the grain size. Fails unless the zlib stream ends
     * inside the data and yields at least the bytes of the disk the grain covers and at most a
     * whole grain.
     */
    byte[] inflate(SparseVmdk image, long grainIndex) throws IOException {
        byte[] compressed = image.source().readBytes(start + StreamMarker.GRAIN_HEADER, (int) compressedSize);
        byte[] out = new byte[image.effectiveHeader().grainBytes()];
        Inflater inflater = new Inflater();
        try {
            inflate(image, grainIndex, inflater, compressed, 0, ByteBuffer.wrap(out));
        } finally {
            inflater.end();
        }
        return out;
    }

    /**
     * Inflates the grain's data, {@code compressed} from {@code offset}, into {@code out} (one grain
     * of room; bytes past the end of a short last grain are left as they are).
     */
    private void inflate(SparseVmdk image, long grainIndex, Inflater inflater, byte[] compressed, int offset,
                         ByteBuffer out) throws IOException {
        int grainBytes = out.remaining();
        int start = out.position();
        inflater.reset();
        try {
            inflater.setInput(compressed, offset, (int) compressedSize);
            while (out.hasRemaining()) {
                if (inflater.inflate(out) == 0) {
                    break;
                }
            }
            int produced = out.position() - start;
            if (!inflater.finished() && produced == grainBytes && inflater.inflate(new byte[1]) > 0) {
                throw new ImageFormatException(Check.VMDK_GRAIN, "grain " + grainIndex
                        + " inflates past the grain size of " + grainBytes + " bytes");
            }
            if (!inflater.finished()) {
                throw grainProblem(grainIndex, inflater.needsDictionary() ? "needs a preset zlib dictionary"
                        : "has compressed data that ends before its zlib stream does");
            }
            if (produced < image.grainLength(grainIndex)) {
                throw grainProblem(grainIndex, "inflates to " + produced + " bytes, fewer than the "
                        + image.grainLength(grainIndex) + " it holds");
            }
        } catch (DataFormatException e) {
            throw grainProblem(grainIndex, "has corrupt zlib data (" + e.getMessage() + ")");
        }
    }

    private static ImageFormatException grainProblem(long grainIndex, String what) {
        return new ImageFormatException(Check.VMDK_GRAIN, "compressed grain " + grainIndex + " " + what);
    }
}
