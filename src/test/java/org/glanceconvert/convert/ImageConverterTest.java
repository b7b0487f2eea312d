package org.glanceconvert.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.format.WriteProgress;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ForwardingDisk;
import org.glanceconvert.image.ImageFormatException;
import org.glanceconvert.image.VirtualDisk;
import org.glanceconvert.testing.FileDisk;
import org.glanceconvert.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageConverterTest {
    private static final WriteOptions OPTIONS = new WriteOptions(Map.of(), false, 2);

    @TempDir
    Path dir;

    @Test
    void aConversionThatFailsHalfWayLeavesNoFileAndTheOldDestinationUntouched() throws IOException {
        Path source = TestImages.patternedRaw(dir.resolve("src.raw"), 12L << 20, 4);
        Path dst = dir.resolve("dst.qcow2");
        Files.writeString(dst, "previous image");
        for (String format : List.of("raw", "qcow2")) {
            try (VirtualDisk disk = new FailingDisk(FileDisk.raw(source), 6L << 20)) {
                ImageConverter converter = new ImageConverter(DiskFormats.writer(format).orElseThrow(), OPTIONS);
                ImageFormatException e = assertThrows(ImageFormatException.class,
                        () -> converter.toFile(disk, dst, WriteProgress.NONE));
                assertEquals(Check.QCOW2_COMPRESSED_CLUSTER, e.check());
            }
            assertEquals("previous image", Files.readString(dst));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(), files.filter(p -> p.toString().contains(".tmp-")).toList());
            }
        }
    }

    @Test
    void reportsWhatItDid() throws IOException {
        Path source = TestImages.patternedRaw(dir.resolve("src.raw"), 3L << 20, 8);
        ImageConverter converter = new ImageConverter(DiskFormats.writer("raw").orElseThrow(), OPTIONS);
        long[] progressed = {0};
        try (VirtualDisk disk = FileDisk.raw(source)) {
            ConversionResult file = converter.toFile(disk, dir.resolve("out.raw"), b -> progressed[0] += b);
            assertEquals(3L << 20, file.virtualSize());
            assertEquals(3L << 20, file.bytesWritten());
            assertEquals(3L << 20, progressed[0]);
            assertTrue(file.bytesRead() > 0 && file.bytesRead() <= 3L << 20);
            assertTrue(!file.streamed() && file.elapsed().toNanos() > 0);

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ConversionResult stream = converter.toStream(disk, Channels.newChannel(bytes), WriteProgress.NONE);
            assertTrue(stream.streamed());
            assertEquals(3L << 20, stream.bytesWritten());
            assertArrayEquals(Files.readAllBytes(source), bytes.toByteArray());
        }
    }

    @Test
    void aCompressedQcow2IsNotStreamed() throws IOException {
        Path source = TestImages.patternedRaw(dir.resolve("src.raw"), 1L << 20, 8);
        ImageConverter converter = new ImageConverter(DiskFormats.writer("qcow2").orElseThrow(),
                new WriteOptions(Map.of(), true, 1));
        try (VirtualDisk disk = FileDisk.raw(source)) {
            ImageFormatException e = assertThrows(ImageFormatException.class,
                    () -> converter.toStream(disk, Channels.newChannel(new ByteArrayOutputStream()), WriteProgress.NONE));
            assertEquals(Check.FORMAT_UNSUPPORTED, e.check());
        }
    }

    @Test
    void terminalProgressShowsPercentageAndThroughputOnOneLine() {
        StringWriter text = new StringWriter();
        TerminalProgress progress = new TerminalProgress(new PrintWriter(text), 1000);
        progress.advanced(250);
        progress.advanced(750);
        String shown = text.toString();
        assertTrue(shown.startsWith("\r    ( 25.00/100%)"), shown);
        assertTrue(shown.contains("(100.00/100%)") && shown.contains("/s") && shown.endsWith(System.lineSeparator()),
                shown);
    }

    /** A source that turns out to be corrupt part-way, as a reader finds a bad compressed cluster. */
    private static final class FailingDisk extends ForwardingDisk {
        private final long failAt;

        FailingDisk(VirtualDisk disk, long failAt) {
            super(disk);
            this.failAt = failAt;
        }

        @Override
        public void read(long offset, ByteBuffer dst) throws IOException {
            if (offset + dst.remaining() > failAt) {
                throw new ImageFormatException(Check.QCOW2_COMPRESSED_CLUSTER, "compressed cluster inflates wrongly");
            }
            disk.read(offset, dst);
        }
    }
}
