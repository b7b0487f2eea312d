package org.glanceconvert.format.vhdx;

import static org.glanceconvert.image.Limits.MiB;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import org.glanceconvert.convert.ChannelWrites;

/**
 * Writes the BAT page by page as payload blocks are placed in increasing order, so memory stays at
 * one page whatever the disk size (a 64 TiB disk of 1 MiB blocks has a 512 MiB BAT). Entries never
 * set stay zero — PAYLOAD_BLOCK_NOT_PRESENT, and SB_BLOCK_NOT_PRESENT for the sector bitmap
 * entries — which the file's holes already read as.
 */
final class VhdxBatWriter {
    private static final int PAGE_ENTRIES = 8192;

    private final FileChannel out;
    private final VhdxWriterLayout layout;
    private final long[] page = new long[PAGE_ENTRIES];
    private long pageStart;
    private boolean dirty;
    private long appendAt;

    VhdxBatWriter(FileChannel out, VhdxWriterLayout layout) {
        this.out = out;
        this.layout = layout;
        this.appendAt = layout.dataOffset;
    }

    /** Records block {@code block} as present right after the blocks appended so far; returns its offset. */
    long append(long block) throws IOException {
        long offset = appendAt;
        present(block, offset);
        appendAt += layout.blockSize;
        return offset;
    }

    /** Where the next appended block would go: the end of the payload so far. */
    long appendedEnd() {
        return appendAt;
    }

    /** Records payload block {@code block} as fully present at {@code fileOffset} (1 MiB aligned). */
    void present(long block, long fileOffset) throws IOException {
        if (fileOffset % MiB != 0) {
            throw new IllegalArgumentException("payload block at " + fileOffset + " is not 1 MiB aligned");
        }
        long index = layout.batIndex(block);
        if (index < pageStart) {
            throw new IllegalStateException("BAT entries must be set in order");
        }
        if (index >= pageStart + PAGE_ENTRIES) {
            flush();
            pageStart = index - index % PAGE_ENTRIES;
        }
        // FileOffsetMB sits in bits 20-63, so a 1 MiB aligned offset is its own field.
        page[(int) (index - pageStart)] = fileOffset | VhdxBat.PAYLOAD_FULLY_PRESENT;
        dirty = true;
    }

    void finish() throws IOException {
        flush();
    }

    private void flush() throws IOException {
        if (!dirty) {
            return;
        }
        int entries = (int) Math.min(PAGE_ENTRIES, layout.batEntries - pageStart);
        ByteBuffer b = ByteBuffer.allocate(entries * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(page, 0, entries);
        ChannelWrites.writeFully(out, b, VhdxWriterLayout.BAT_OFFSET + pageStart * 8);
        Arrays.fill(page, 0);
        dirty = false;
    }
}
