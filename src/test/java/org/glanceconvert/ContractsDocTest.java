package org.glanceconvert;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.glanceconvert.format.DiskFormats;
import org.glanceconvert.image.Check;
import org.junit.jupiter.api.Test;

/** docs/contracts.md and the code's registry of check ids must not drift apart. */
class ContractsDocTest {
    @Test
    void everyCheckIdIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/contracts.md"));
        for (Check check : Check.values()) {
            assertTrue(doc.contains("| `" + check.id() + "` |"), "docs/contracts.md lacks check " + check.id());
        }
    }

    @Test
    void everyOutputFormatHasItsConvertRow() throws Exception {
        String doc = Files.readString(Path.of("docs/contracts.md"));
        String convert = doc.substring(doc.indexOf("## `convert`"), doc.indexOf("## Content digest"));
        for (String format : new String[] {"raw", "qcow2", "vmdk", "vhd", "vhdx"}) {
            assertTrue(DiskFormats.writer(format).isPresent(), format);
            assertTrue(convert.contains("| `" + format + "`"), "docs/contracts.md lacks convert -O " + format);
        }
    }

    @Test
    void checkIdsAreUniqueAndWellFormed() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Check check : Check.values()) {
            assertTrue(check.id().matches("[a-z0-9]+\\.[a-z0-9_]+"), check.id());
            assertTrue(seen.add(check.id()), "duplicate " + check.id());
        }
    }
}
