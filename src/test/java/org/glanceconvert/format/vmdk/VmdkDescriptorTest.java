package org.glanceconvert.format.vmdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.glanceconvert.image.Check;
import org.junit.jupiter.api.Test;

class VmdkDescriptorTest {

    @Test
    void parsesWhatVmwareToolsWrite() throws Exception {
        // OVF Tool leaves createType unquoted; Windows tools write CRLF
        String text = "# Disk DescriptorFile\r\nversion=1\r\nencoding=\"UTF-8\"\r\nCID=2bdc5c77\r\nparentCID=ffffffff\r\n"
                + "createType=streamOptimized\r\n\r\n# Extent description\r\nRDONLY 16777216 SPARSE \"dest-0.vmdk\"\r\n"
                + "RW 100 ZERO\r\n\r\n# The Disk Data Base\r\n#DDB\r\n\r\nddb.adapterType = \"lsilogic\"\r\n"
                + "ddb.geometry.heads = \"255\"\r\nddb.uuid = \"60 00 C2 9a\"\r\n";
        VmdkDescriptor d = VmdkDescriptor.parse(padded(text, 1024));
        assertEquals(Optional.of("streamOptimized"), d.createType());
        assertEquals(Optional.of("lsilogic"), d.adapterType());
        assertEquals(Optional.of("60 00 C2 9a"), d.ddb("uuid"));
        assertEquals(List.of(new DescriptorExtent("RDONLY", 16777216, "SPARSE", "dest-0.vmdk", -1),
                new DescriptorExtent("RW", 100, "ZERO", null, -1)), d.extents());
        assertFalse(d.hasParent());
        assertEquals((16777216L + 100) * 512, d.extentBytes());
    }

    @Test
    void createTypeIsCanonicalised() throws Exception {
        assertEquals(Optional.of("twoGbMaxExtentSparse"),
                VmdkDescriptor.parse("createType=\"TWOGBMAXEXTENTSPARSE\"").createType());
        assertEquals(Optional.of("weird"), VmdkDescriptor.parse("createType=\"weird\"").createType());
    }

    @Test
    void flatExtentWithOffsetAndNamesWithSpaces() throws Exception {
        DescriptorExtent e = VmdkDescriptor.parse("RW 6144 FLAT \"my disk-flat.vmdk\" 2048").extents().get(0);
        assertEquals(new DescriptorExtent("RW", 6144, "FLAT", "my disk-flat.vmdk", 2048), e);
        assertFalse(e.nameIsPath());
        assertTrue(new DescriptorExtent("RW", 1, "FLAT", "C:\\x.vmdk", 0).nameIsPath());
    }

    @Test
    void parentIsNoticed() throws Exception {
        assertTrue(VmdkDescriptor.parse("parentCID=1234abcd\n").hasParent());
        VmdkDescriptor d = VmdkDescriptor.parse("parentCID=ffffffff\nparentFileNameHint=\"base.vmdk\"\n");
        assertTrue(d.hasParent());
        assertEquals(Optional.of("base.vmdk"), d.parentFileNameHint());
    }

    @Test
    void refusesWhatCouldBeReadTwoWays() {
        for (String bad : List.of("createType=\"a\"\ncreateType=\"b\"", "RW 12 SPARSE \"unterminated",
                "RW -5 FLAT \"x\" 0", "RW 10 FLAT x 0", "RW 10 FLAT \"x\" zero", "RW 10 FLAT \"\" 0",
                "just words", "ddb.adapterType = \"ide\"\nddb.adapterType = \"lsilogic\"", "version=1\u0001")) {
            ImageFormatAssert.refused(Check.VMDK_DESCRIPTOR, () -> VmdkDescriptor.parse(bad));
        }
        byte[] notUtf8 = {'c', 'r', 'e', 'a', 't', 'e', 'T', 'y', 'p', 'e', '=', (byte) 0xff};
        ImageFormatAssert.refused(Check.VMDK_DESCRIPTOR, () -> VmdkDescriptor.parse(notUtf8));
    }

    @Test
    void descriptorFilesAreRecognisedAsQemuDoes() {
        assertTrue(VmdkFormat.looksLikeDescriptorFile(ascii("# Disk DescriptorFile\nversion=1\n")));
        assertTrue(VmdkFormat.looksLikeDescriptorFile(ascii("#c\n   \r\n# more\nversion=3\r\nCID=1")));
        assertFalse(VmdkFormat.looksLikeDescriptorFile(ascii("# Disk DescriptorFile\nversion=4\n")));
        assertFalse(VmdkFormat.looksLikeDescriptorFile(ascii("\nversion=1\n")));
        assertFalse(VmdkFormat.looksLikeDescriptorFile(ascii("# Disk DescriptorFile\n")));
        assertFalse(VmdkFormat.looksLikeDescriptorFile(ascii("version=1")));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] padded(String text, int size) {
        byte[] out = new byte[size];
        byte[] t = ascii(text);
        System.arraycopy(t, 0, out, 0, t.length);
        return out;
    }
}
