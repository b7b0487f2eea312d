package org.glanceconvert.cli;

import java.io.PrintWriter;
import org.glanceconvert.image.Extent;
import org.glanceconvert.image.ExtentCursor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "map", mixinStandardHelpOptions = true,
        description = {"Print an image's allocation map, from its metadata (like QEMU's map).",
                "Exit 0 ok, 1 unsafe or corrupt, 2 usage or I/O error."})
final class MapCommand extends Subcommand {
    @Option(names = "--json", description = "JSON shaped like QEMU's map --output=json.")
    boolean json;

    @Mixin
    ImageArgument image;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        try (ImageFile opened = image.open()) {
            ExtentCursor cursor = opened.disk().extents(0).coalesced();
            if (json) {
                printJson(out, cursor);
            } else {
                printHuman(out, cursor);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The same text QEMU 7.2 prints, so scripts written for it keep working. */
    private static void printJson(PrintWriter out, ExtentCursor cursor) throws Exception {
        StringBuilder doc = new StringBuilder("[");
        boolean first = true;
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            if (!first) {
                doc.append(",\n");
            }
            first = false;
            doc.append("{ \"start\": ").append(e.start())
                    .append(", \"length\": ").append(e.length())
                    .append(", \"depth\": 0")
                    .append(", \"present\": ").append(e.kind() != Extent.Kind.UNALLOCATED)
                    .append(", \"zero\": ").append(e.kind().readsAsZero())
                    .append(", \"data\": ").append(e.kind() == Extent.Kind.DATA);
            if (e.hostOffset() >= 0) {
                doc.append(", \"offset\": ").append(e.hostOffset());
            }
            doc.append("}");
            // Flush in pieces: a fragmented 1 TiB image has many extents.
            if (doc.length() > 1 << 16) {
                out.print(doc);
                doc.setLength(0);
            }
        }
        doc.append("]");
        out.println(doc);
    }

    private static void printHuman(PrintWriter out, ExtentCursor cursor) throws Exception {
        out.printf("%-16s%-16s%-16s%n", "Offset", "Length", "Mapped to");
        for (Extent e = cursor.next(); e != null; e = cursor.next()) {
            if (e.kind() == Extent.Kind.DATA) {
                out.printf("%-16s%-16s%-16s%n", "0x" + Long.toHexString(e.start()), "0x" + Long.toHexString(e.length()),
                        e.hostOffset() >= 0 ? "0x" + Long.toHexString(e.hostOffset()) : "compressed");
            }
        }
    }
}
