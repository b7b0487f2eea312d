package org.glanceconvert.format.vhd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import org.glanceconvert.convert.BlockCopier;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;

/**
 * VHD output ({@code vpc} to QEMU): {@code subformat=dynamic} (default) or {@code fixed}. The
 * footer carries the exact size in current_size with creator "qem2", which qemu and Glance read
 * as that size, so a disk that is not a CHS multiple keeps its size.
 *
 * <p>Dynamic layout (as QEMU's): footer copy, dynamic header, BAT, then 2 MiB blocks each
 * behind its 512-byte sector bitmap, appended in virtual order for blocks holding any non-zero
 * byte, then the footer. Fixed: the disk's bytes, then the footer. Zero ranges are holes in the
 * file. Not streamable: the BAT precedes the blocks and is known only after reading them.
 */
public final class VhdWriter implements DiskFormatWriter {
    static final int SECTOR = 512;
    static final int BLOCK_SIZE = 2 * 1024 * 1024;
    /** 2040 GiB, the largest size qemu opens and the format allows. */
    static final long MAX_SIZE = VhdFooter.MAX_SECTORS * SECTOR;
    private static final long DYNAMIC_HEADER_OFFSET = VhdFooter.SIZE;
    private static final long BAT_OFFSET = DYNAMIC_HEADER_OFFSET + VhdDynamicHeader.SIZE;
    /** Bitmap of one 2 MiB block: one bit per sector, padded to a sector. */
    private static final int BITMAP_SIZE = SECTOR;
    private static final long UNIX_SECONDS_AT_VHD_EPOCH = 946_684_800L;

    @Override
    public String name() {
        return "vhd";
    }

    private static boolean fixed(WriteOptions options) throws ImageFormatException {
        options.requireOnly("vhd", Set.of("subformat"));
        options.refuseCompression("vhd");
        return options.oneOf("vhd", "subformat", "dynamic", "dynamic", "fixed").equals("fixed");
    }

    @Override
    public void validate(VirtualDisk source, WriteOptions options) throws ImageFormatException {
        fixed(options);
        if (roundedSize(source) > MAX_SIZE) {
            throw new ImageFormatException(Check.FORMAT_OUTPUT_LIMIT, "a VHD holds at most 2040 GiB; the disk is "
                    + source.size() + " bytes");
        }
    }

    @Override
    public void write(VirtualDisk source, FileChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        validate(source, options);
        if (fixed(options)) {
            writeFixed(source, out, options.threads(), progress);
        } else {
            writeDynamic(source, out, options.threads(), progress);
        }
    }

    private static void writeFixed(VirtualDisk source, FileChannel out, int threads, WriteProgress progress)
            throws IOException {
        long size = roundedSize(source);
        BlockCopier.inPlace(0).copy(source, out, threads, progress);
        write(out, size, footer(size, VhdFooter.DiskType.FIXED, VhdFooter.NO_DATA_OFFSET));
        ChannelWrites.setLength(out, size + VhdFooter.SIZE);
    }

    private static void writeDynamic(VirtualDisk source, FileChannel out, int threads, WriteProgress progress)
            throws IOException {
        long size = roundedSize(source);
        int blocks = (int) ((size + BLOCK_SIZE - 1) / BLOCK_SIZE);
        long batBytes = ((blocks * 4L + SECTOR - 1) / SECTOR) * SECTOR;
        AppendedBlocks appended = new AppendedBlocks(out, blocks, BAT_OFFSET + batBytes);
        BlockCopier.placed(BLOCK_SIZE, appended).copy(source, out, threads, progress);

        byte[] footer = footer(size, VhdFooter.DiskType.DYNAMIC, DYNAMIC_HEADER_OFFSET);
        write(out, 0, footer);
        write(out, DYNAMIC_HEADER_OFFSET, VhdDynamicHeader.create(BAT_OFFSET, blocks, BLOCK_SIZE).bytes());
        ByteBuffer table = ByteBuffer.allocate((int) batBytes);
        Arrays.fill(table.array(), (byte) 0xff);
        table.asIntBuffer().put(appended.bat);
        write(out, BAT_OFFSET, table.array());
        write(out, appended.next, footer);
        ChannelWrites.setLength(out, appended.next + VhdFooter.SIZE);
    }

    /** Appends each block that holds data after the last one: its sector bitmap, then its data. */
    private static final class AppendedBlocks implements BlockCopier.Placement {
        private final FileChannel out;
        /** At most 1020 Ki entries (4 MiB) under the 2040 GiB limit checked by validate. */
        private final int[] bat;
        private final byte[] bitmap = new byte[BITMAP_SIZE];
        private long next;

        AppendedBlocks(FileChannel out, int blocks, long first) {
            this.out = out;
            this.bat = new int[blocks];
            this.next = first;
            Arrays.fill(bat, -1);
            // Every sector of an allocated block is stored (zeros as holes), so every bit is set.
            Arrays.fill(bitmap, (byte) 0xff);
        }

        @Override
        public long place(long block) throws IOException {
            long start = next;
            bat[(int) block] = sectorEntry(start);
            write(out, start, bitmap);
            next += BITMAP_SIZE + BLOCK_SIZE;
            return start + BITMAP_SIZE;
        }
    }

    private static void write(FileChannel out, long position, byte[] bytes) throws IOException {
        ChannelWrites.writeFully(out, ByteBuffer.wrap(bytes), position);
    }

    private static int sectorEntry(long fileOffset) throws ImageFormatException {
        long sector = fileOffset / SECTOR;
        if (sector >= 0xffff_ffffL) {
            throw new ImageFormatException(Check.FORMAT_OUTPUT_LIMIT, "VHD output would grow past what its BAT can address");
        }
        return (int) sector;
    }

    private static byte[] footer(long size, VhdFooter.DiskType type, long dataOffset) {
        UUID id = UUID.randomUUID();
        byte[] uniqueId = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
        int timestamp = (int) (System.currentTimeMillis() / 1000 - UNIX_SECONDS_AT_VHD_EPOCH);
        return VhdFooter.create(type, dataOffset, size, timestamp, uniqueId).bytes();
    }

    /** VHD sizes are whole sectors; a source with a partial last sector is padded with zeros. */
    private static long roundedSize(VirtualDisk source) {
        return (source.size() + SECTOR - 1) / SECTOR * SECTOR;
    }
}
