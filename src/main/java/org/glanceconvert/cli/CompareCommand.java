package org.glanceconvert.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.glanceconvert.content.DiskComparator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare the virtual contents of two images of any supported formats (like QEMU's compare).",
                "Exit 0 identical, 1 different or unsafe, 2 usage or I/O error."})
final class CompareCommand extends Subcommand {
    @Option(names = "-f", paramLabel = "FORMAT", description = "Refuse unless the first image is this format.")
    String formatA;

    @Option(names = "-F", paramLabel = "FORMAT", description = "Refuse unless the second image is this format.")
    String formatB;

    @Option(names = "-s", description = "Strict: images of different sizes differ, whatever the extra part holds.")
    boolean strict;

    @Mixin
    LimitOptions limitOptions;

    @Parameters(index = "0", paramLabel = "A")
    Path a;

    @Parameters(index = "1", paramLabel = "B")
    Path b;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        DiskComparator.Result result;
        try (ImageFile imageA = ImageFile.open(a, formatA, limitOptions.limits());
             ImageFile imageB = ImageFile.open(b, formatB, limitOptions.limits())) {
            result = DiskComparator.compare(imageA.disk(), imageB.disk(), strict);
        }
        if (result.sizeMismatch()) {
            out.println("Warning: Image size mismatch!");
        }
        if (result.identical()) {
            out.println("Images are identical.");
        } else if (strict && result.sizeMismatch()) {
            out.println("Strict mode: Image size mismatch!");
        } else {
            out.println("Content mismatch at offset " + result.firstDifference() + "!");
        }
        out.flush();
        return result.identical() ? ExitCodes.OK : ExitCodes.NO;
    }
}
