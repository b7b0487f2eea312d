package org.glanceconvert.format.raw;

import static org.glanceconvert.format.raw.PartitionedDisks.MbrEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.Check;
import org.glanceconvert.inspect.InspectionReport;
import org.glanceconvert.testing.QemuImg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Images hidden at the start of a partition of a raw disk (format.nested_image). */
class NestedImageTest {
    private static final int MiB = 1 << 20;

    @TempDir
    Path dir;

    /** The first bytes of an image qemu-img made in that format. */
    private byte[] qemuImage(String format) throws IOException {
        QemuImg.assumeAvailable();
        Path image = QemuImg.create(dir.resolve("inner." + format), format, null, MiB);
        return Files.readAllBytes(image);
    }

    private static byte[] mbrDiskWith(byte[] inner) {
        byte[] disk = PartitionedDisks.mbrDisk(4 * MiB, MbrEntry.of(0x83, 2048, 4096));
        System.arraycopy(inner, 0, disk, MiB, Math.min(inner.length, 3 * MiB));
        return disk;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vdi", "qed", "qcow", "qcow2", "vmdk", "vpc", "vhdx", "parallels"})
    void imageInTheFirstMbrPartitionIsUnsafe(String qemuFormat) throws IOException {
        String name = DiskFormats.canonicalName(qemuFormat.equals("parallels") ? "ploop" : qemuFormat);
        // formats whose reader lives on another branch are probed once they are registered
        assumeTrue(DiskFormats.byName(name).isPresent(), name + " is not registered yet");
        InspectionReport r = RawPartitionTest.inspect(mbrDiskWith(qemuImage(qemuFormat)));
        assertEquals("raw", r.format());
        assertEquals("mbr", r.partitionTable());
        assertFalse(r.safe());
        assertTrue(r.hasProblem(Check.FORMAT_NESTED_IMAGE.id()), r.problems().toString());
        assertTrue(r.problems().get(0).message().contains(name), r.problems().toString());
    }

    @Test
    void imageInAGptPartitionIsUnsafe() throws IOException {
        byte[] disk = new PartitionedDisks.Gpt(512, 8192).partition(2048, 4095).partition(4096, 8158).build();
        byte[] vdi = qemuImage("vdi");
        System.arraycopy(vdi, 0, disk, 4096 * 512, Math.min(vdi.length, MiB));
        InspectionReport r = RawPartitionTest.inspect(disk);
        assertEquals("gpt", r.partitionTable());
        assertTrue(r.hasProblem(Check.FORMAT_NESTED_IMAGE.id()), r.problems().toString());
        assertTrue(r.problems().get(0).message().contains("GPT entry 2"), r.problems().toString());
    }

    @Test
    void luksPartitionIsNormal() throws IOException {
        byte[] luks = new byte[4096];
        System.arraycopy(new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe, 0, 1}, 0, luks, 0, 8);
        InspectionReport r = RawPartitionTest.inspect(mbrDiskWith(luks));
        assertTrue(r.safe(), r.problems().toString());
        assertEquals("mbr", r.partitionTable());
    }

    @Test
    void partitionStartingAtSectorZeroIsNotProbed() throws IOException {
        // isohybrid-style: partition 1 covers the whole disk from LBA 0, i.e. the table itself
        byte[] disk = PartitionedDisks.mbrDisk(4 * MiB, new MbrEntry(0x80, 0x17, 0, 8192));
        assertTrue(RawPartitionTest.inspect(disk).safe());
    }

    @Test
    void partitionPastTheEndOfTheFileIsIgnored() throws IOException {
        byte[] disk = PartitionedDisks.mbrDisk(MiB, MbrEntry.of(0x83, 0xfffffff0L, 100));
        assertTrue(RawPartitionTest.inspect(disk).safe());
    }

    @Test
    void signatureOneByteIntoThePartitionIsNotNested() throws IOException {
        byte[] vdi = qemuImage("vdi");
        byte[] disk = PartitionedDisks.mbrDisk(4 * MiB, MbrEntry.of(0x83, 2048, 4096));
        System.arraycopy(vdi, 0, disk, MiB + 1, vdi.length);
        InspectionReport r = RawPartitionTest.inspect(disk);
        assertTrue(r.safe(), r.problems().toString());
    }
}
