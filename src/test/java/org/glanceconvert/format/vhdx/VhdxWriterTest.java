package org.glanceconvert.format.vhdx;

import static org.glanceconvert.testing.TestImages.sparseRaw;
import static org.glanceconvert.testing.WriterFixtures.ODD_SIZE;
import static org.glanceconvert.testing.WriterFixtures.assertCheckClean;
import static org.glanceconvert.testing.WriterFixtures.assertIdentical;
import static org.glanceconvert.testing.WriterFixtures.assertIdenticalRange;
import static org.glanceconvert.testing.WriterFixtures.options;
import static org.glanceconvert.testing.WriterFixtures.readAt;
import static org.glanceconvert.testing.WriterFixtures.unallocatedDisk;
import static org.glanceconvert.testing.WriterFixtures.writeFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.Limits;
import org.glanceconvert.image.SparseFiles;
import org.glanceconvert.testing.QemuImg;
import org.glanceconvert.testing.QemuOracleTest;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VhdxWriterTest extends QemuOracleTest {
    private final VhdxWriter writer = new VhdxWriter();

    @Test
    void dynamicHoldsTheSourceAndPassesQemuCheck() throws IOException {
        Path raw = TestImages.patternedRaw(dir.resolve("src.raw"), ODD_SIZE, 31);
        Path vhdx = writeFile(writer, raw, dir.resolve("out.vhdx"), options());

        assertIdentical(raw, vhdx, "vhdx");
        assertCheckClean(vhdx, "vhdx");
        JsonNode info = QemuImg.info(vhdx);
        assertEquals("vhdx", info.get("format").asText());
        assertEquals(ODD_SIZE, info.get("virtual-size").asLong());
        assertEquals(8 * Limits.MiB, info.get("cluster-size").asLong(), "qemu-img's default for small disks");
        Structure s = Structure.read(vhdx);
        assertEquals(8 * Limits.MiB, s.blockSize);
        assertFalse(s.fixed);
        assertEquals(ODD_SIZE, s.virtualSize);
        assertEquals(1, s.batEntries(), "one payload block");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1M", "256M"})
    void sectorBitmapEntriesInterleaveThePayloadEntries(String blockSize) throws IOException {
        long size = 6 * Limits.GiB + 512;
        long late = 4 * Limits.GiB + 10 * Limits.MiB + 4096;  // past the first chunk of the BAT
        Path raw = sparseRaw(dir.resolve("src.raw"), size, 32,
                0, 10_000,
                late, 5000,
                size - 512, 512);                              // the very last sector
        Path vhdx = writeFile(writer, raw, dir.resolve("out.vhdx"), options("block_size=" + blockSize));

        assertCheckClean(vhdx, "vhdx");
        long block = org.glanceconvert.format.Sizes.parse(blockSize);
        // qemu has no allocation map for vhdx, so a whole-disk compare would read 6 GiB: compare
        // around the data and in an empty block; the BAT check below covers every other block.
        for (long start : new long[] {0, late - 2 * Limits.MiB, size - 4 * Limits.MiB, 2 * Limits.GiB}) {
            assertIdenticalRange(raw, vhdx, "vhdx", start - start % 512, 4 * Limits.MiB);
        }
        Structure s = Structure.read(vhdx);
        long chunkRatio = (1L << 23) * 512 / block;
        long payloadBlocks = (size + block - 1) / block;
        assertEquals(payloadBlocks + (payloadBlocks - 1) / chunkRatio, s.batEntries());
        assertEquals(0, s.bat(chunkRatio), "the first sector bitmap entry stays not present");
        long lateBlock = late / block;
        long lastBlock = payloadBlocks - 1;
        for (long b = 0; b < payloadBlocks; b++) {
            long entry = s.bat(b + b / chunkRatio);
            boolean expected = b == 0 || b == lateBlock || b == lastBlock;
            assertEquals(expected ? 6 : 0, entry & 7, "state of block " + b);
            if (expected) {
                assertEquals(0, (entry >>> 20) % 1, "offset in MiB");
                assertTrue((entry & ~0xFFFFFL) >= s.dataStart, "block " + b + " after the metadata");
            }
        }
        assertTrue(Files.size(vhdx) <= s.dataStart + 3 * block, "three blocks allocated");
    }

    @Test
    void fixedHasEveryBlockPresentAndHolesForZeros() throws IOException {
        long size = 40 * Limits.MiB + 512;
        Path raw = sparseRaw(dir.resolve("src.raw"), size, 33, 3 * Limits.MiB, 100_000, size - 512, 512);
        Path vhdx = writeFile(writer, raw, dir.resolve("out.vhdx"), options("subformat=fixed", "block_size=1M"));

        assertIdentical(raw, vhdx, "vhdx");
        assertCheckClean(vhdx, "vhdx");
        Structure s = Structure.read(vhdx);
        assertTrue(s.fixed);
        long blocks = 41;
        assertEquals(s.dataStart + blocks * Limits.MiB, Files.size(vhdx));
        for (long b = 0; b < blocks; b++) {
            assertEquals((s.dataStart + b * Limits.MiB) | 6, s.bat(b));
        }
        long allocated = SparseFiles.allocatedBytes(vhdx);
        assertTrue(allocated < 0 || allocated < 2 * Limits.MiB, "allocated " + allocated);
    }

    @Test
    void allZeroSourceAllocatesNoBlock() throws IOException {
        Path raw = sparseRaw(dir.resolve("src.raw"), 64 * Limits.MiB, 34);
        Path zeros = dir.resolve("zeros.raw");
        Files.write(zeros, new byte[3 * 1024 * 1024]);
        for (Path source : new Path[] {raw, zeros}) {
            Path vhdx = writeFile(writer, source, dir.resolve(source.getFileName() + ".vhdx"), options());
            assertIdentical(source, vhdx, "vhdx");
            assertCheckClean(vhdx, "vhdx");
            Structure s = Structure.read(vhdx);
            assertEquals(s.dataStart, Files.size(vhdx), "nothing after the metadata");
            for (long i = 0; i < s.batEntries(); i++) {
                assertEquals(0, s.bat(i));
            }
            long allocated = SparseFiles.allocatedBytes(vhdx);
            assertTrue(allocated < 0 || allocated < 512 * Limits.KiB, "allocated " + allocated);
        }
    }

    @Test
    void largestDiskWritesQuicklyWhenEmpty() throws IOException {
        Path vhdx = dir.resolve("big.vhdx");
        try (FileChannel ch = FileChannel.open(vhdx, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writer.write(unallocatedDisk(64 * Limits.TiB), ch, options(), bytes -> { });
        }
        assertEquals(64 * Limits.TiB, QemuImg.info(vhdx).get("virtual-size").asLong());
        assertCheckClean(vhdx, "vhdx");
        assertEquals(64 * Limits.MiB, Structure.read(vhdx).blockSize);
    }

    @Test
    void validateRefusesWhatVhdxCannotHold() throws ImageFormatException {
        ImageFormatException big = assertThrows(ImageFormatException.class,
                () -> writer.validate(unallocatedDisk(64 * Limits.TiB + 512), options()));
        assertEquals(Check.FORMAT_OUTPUT_LIMIT, big.check());
        writer.validate(unallocatedDisk(64 * Limits.TiB), options("block_size=1M"));

        for (WriteOptions bad : new WriteOptions[] {options("block_size=512k"), options("block_size=3M"),
                options("block_size=512M"), options("block_size=lots"), options("subformat=differencing"),
                options("log_size=1M"), options(true, 1)}) {
            ImageFormatException e = assertThrows(ImageFormatException.class,
                    () -> writer.validate(unallocatedDisk(Limits.MiB), bad), bad.toString());
            assertEquals(Check.FORMAT_UNSUPPORTED, e.check());
        }
        assertFalse(writer.streamable(options()));
    }

    /** The on-disk structures, checked against MS-VHDX while being read. */
    private record Structure(long blockSize, boolean fixed, long virtualSize, long batOffset, long batLength,
                             long dataStart, Path file) {

        static Structure read(Path vhdx) throws IOException {
            assertEquals("vhdxfile", new String(readAt(vhdx, 0, 8), StandardCharsets.US_ASCII));
            for (long offset : new long[] {64 * Limits.KiB, 128 * Limits.KiB}) {
                ByteBuffer h = verified(vhdx, offset, 4096);
                assertEquals(0x64616568, h.getInt(0), "head");
                assertTrue(VhdxGuid.read(h.array(), 48).isZero(), "no log to replay");
                assertEquals(1, h.getShort(66), "version");
                assertEquals(Limits.MiB, h.getLong(72), "log offset");
                assertEquals(Limits.MiB, h.getInt(68) & 0xffffffffL, "log length");
            }
            ByteBuffer r1 = verified(vhdx, 192 * Limits.KiB, 65536);
            ByteBuffer r2 = verified(vhdx, 256 * Limits.KiB, 65536);
            assertArrayEquals(r1.array(), r2.array(), "both region tables");
            assertEquals(0x69676572, r1.getInt(0));
            assertEquals(2, r1.getInt(8));
            Map<VhdxGuid, long[]> regions = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                int e = 16 + i * 32;
                regions.put(VhdxGuid.read(r1.array(), e), new long[] {r1.getLong(e + 16), r1.getInt(e + 24)});
                assertEquals(1, r1.getInt(e + 28), "required");
            }
            long[] bat = regions.get(VhdxRegionTable.BAT);
            long[] meta = regions.get(VhdxRegionTable.METADATA);
            assertEquals(0, bat[0] % Limits.MiB);
            assertEquals(0, bat[1] % Limits.MiB);
            assertEquals(0, meta[0] % Limits.MiB);

            ByteBuffer m = ByteBuffer.wrap(readAt(vhdx, meta[0], 65536 + 64)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("metadata", new String(m.array(), 0, 8, StandardCharsets.US_ASCII));
            assertEquals(5, m.getShort(10));
            Map<VhdxGuid, Integer> items = new HashMap<>();
            for (int i = 0; i < 5; i++) {
                int e = 32 + i * 32;
                items.put(VhdxGuid.read(m.array(), e), m.getInt(e + 16));
                assertTrue((m.getInt(e + 24) & 4) != 0, "required");
            }
            int params = items.get(VhdxMetadata.FILE_PARAMETERS);
            assertEquals(512, m.getInt(items.get(VhdxMetadata.LOGICAL_SECTOR_SIZE)));
            assertEquals(4096, m.getInt(items.get(VhdxMetadata.PHYSICAL_SECTOR_SIZE)));
            return new Structure(m.getInt(params) & 0xffffffffL, (m.getInt(params + 4) & 1) != 0,
                    m.getLong(items.get(VhdxMetadata.VIRTUAL_DISK_SIZE)), bat[0], bat[1],
                    meta[0] + meta[1], vhdx);
        }

        long batEntries() {
            long payload = (virtualSize + blockSize - 1) / blockSize;
            long chunkRatio = (1L << 23) * 512 / blockSize;
            return payload == 0 ? 0 : payload + (payload - 1) / chunkRatio;
        }

        long bat(long index) throws IOException {
            assertTrue(index < batEntries());
            return ByteBuffer.wrap(readAt(file, batOffset + index * 8, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }

        private static ByteBuffer verified(Path file, long offset, int length) throws IOException {
            byte[] bytes = readAt(file, offset, length);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int stored = b.getInt(4);
            b.putInt(4, 0);
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            assertEquals((int) crc.getValue(), stored, "CRC-32C at " + offset);
            b.putInt(4, stored);
            return b;
        }
    }

    @Test
    void registeredAsAWriter() {
        assertTrue(org.glanceconvert.format.DiskFormats.writer("vhdx").orElseThrow() instanceof VhdxWriter);
    }
}
