package org.glanceconvert.format.vhdx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Set;
import org.glanceconvert.convert.BlockCopier;
import org.glanceconvert.convert.ChannelWrites;
import org.glanceconvert.format.DiskFormatWriter;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;

/**
 * VHDX output: {@code subformat=dynamic} (default) or {@code fixed}, {@code block_size} a power
 * of two from 1 MiB to 256 MiB (default as QEMU: 8 MiB up to 1 GiB, 16 MiB up to 100 GiB,
 * 32 MiB up to 32 TiB, else 64 MiB). 512-byte logical and 4 KiB physical sectors, an empty log.
 *
 * <p>Dynamic: a block holding any non-zero byte is allocated (FULLY_PRESENT) and appended in
 * virtual order; the others stay NOT_PRESENT. Fixed: every block is present at its place and
 * zero ranges are holes. Not streamable: the BAT precedes the blocks.
 */
public final class VhdxWriter implements DiskFormatWriter {
    static final String CREATOR = "glance-convert";
    private static final int SECTOR = VhdxWriterLayout.LOGICAL_SECTOR_SIZE;

    @Override
    public String name() {
        return "vhdx";
    }

    private record Settings(boolean fixed, long blockSize) {
    }

    private static Settings settings(VirtualDisk source, WriteOptions options) throws ImageFormatException {
        options.requireOnly("vhdx", Set.of("subformat", "block_size"));
        options.refuseCompression("vhdx");
        boolean fixed = options.oneOf("vhdx", "subformat", "dynamic", "dynamic", "fixed").equals("fixed");
        long blockSize = options.size("block_size", VhdxWriterLayout.defaultBlockSize(roundedSize(source)));
        if (blockSize < VhdxMetadata.MIN_BLOCK_SIZE || blockSize > VhdxMetadata.MAX_BLOCK_SIZE
                || Long.bitCount(blockSize) != 1) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, "vhdx block_size " + blockSize
                    + " is not a power of two from 1 MiB to 256 MiB");
        }
        return new Settings(fixed, blockSize);
    }

    @Override
    public void validate(VirtualDisk source, WriteOptions options) throws ImageFormatException {
        settings(source, options);
        if (roundedSize(source) > VhdxMetadata.MAX_VIRTUAL_SIZE) {
            throw new ImageFormatException(Check.FORMAT_OUTPUT_LIMIT, "a VHDX holds at most 64 TiB; the disk is "
                    + source.size() + " bytes");
        }
    }

    @Override
    public void write(VirtualDisk source, FileChannel out, WriteOptions options, WriteProgress progress)
            throws IOException {
        validate(source, options);
        Settings settings = settings(source, options);
        VhdxWriterLayout layout = new VhdxWriterLayout(roundedSize(source), settings.blockSize());
        VhdxBatWriter bat = new VhdxBatWriter(out, layout);

        long end = settings.fixed() ? writeFixedBlocks(source, layout, out, bat, options.threads(), progress)
                : writeDynamicBlocks(source, layout, out, bat, options.threads(), progress);
        bat.finish();

        write(out, layout.metadataOffset, VhdxMetadata.encode(layout.blockSize, settings.fixed(), layout.virtualSize,
                VhdxGuid.random(), VhdxWriterLayout.LOGICAL_SECTOR_SIZE, VhdxWriterLayout.PHYSICAL_SECTOR_SIZE));
        byte[] regions = VhdxRegionTable.encode(List.of(
                new VhdxRegionTable.Region(VhdxRegionTable.BAT, VhdxWriterLayout.BAT_OFFSET, layout.batLength, true),
                new VhdxRegionTable.Region(VhdxRegionTable.METADATA, layout.metadataOffset,
                        VhdxWriterLayout.METADATA_LENGTH, true)));
        write(out, VhdxRegionTable.FIRST_OFFSET, regions);
        write(out, VhdxRegionTable.SECOND_OFFSET, regions);
        VhdxGuid fileWrite = VhdxGuid.random();
        VhdxGuid dataWrite = VhdxGuid.random();
        // Two valid headers; the higher sequence number is the current one.
        write(out, VhdxHeader.FIRST_OFFSET, VhdxHeader.encode(1, fileWrite, dataWrite,
                VhdxWriterLayout.LOG_OFFSET, VhdxWriterLayout.LOG_LENGTH));
        write(out, VhdxHeader.SECOND_OFFSET, VhdxHeader.encode(2, fileWrite, dataWrite,
                VhdxWriterLayout.LOG_OFFSET, VhdxWriterLayout.LOG_LENGTH));
        write(out, 0, VhdxLayout.fileIdentifier(CREATOR));
        ChannelWrites.setLength(out, end);
    }

    /** Appends each block that holds data after the last one; returns the file length. */
    private static long writeDynamicBlocks(VirtualDisk source, VhdxWriterLayout layout, FileChannel out,
                                           VhdxBatWriter bat, int threads, WriteProgress progress) throws IOException {
        BlockCopier.placed(layout.blockSize, bat::append).copy(source, out, threads, progress);
        return bat.appendedEnd();
    }

    /** Places every block at its own offset; unwritten ranges stay holes. Returns the file length. */
    private static long writeFixedBlocks(VirtualDisk source, VhdxWriterLayout layout, FileChannel out,
                                         VhdxBatWriter bat, int threads, WriteProgress progress) throws IOException {
        for (long block = 0; block < layout.payloadBlocks; block++) {
            bat.present(block, layout.dataOffset + block * layout.blockSize);
        }
        BlockCopier.inPlace(layout.dataOffset).copy(source, out, threads, progress);
        return layout.dataOffset + layout.payloadBlocks * layout.blockSize;
    }

    static void write(FileChannel out, long position, byte[] bytes) throws IOException {
        ChannelWrites.writeFully(out, ByteBuffer.wrap(bytes), position);
    }

    /** VHDX sizes are whole logical sectors; a partial last sector is padded with zeros. */
    private static long roundedSize(VirtualDisk source) {
        return (source.size() + SECTOR - 1) / SECTOR * SECTOR;
    }
}
