package org.glanceconvert.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.glanceconvert.image.Limits;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The image a reading command works on: {@code FILE}, {@code -f FORMAT} to assert what it is, and the limits. */
final class ImageArgument {
    @Option(names = "-f", paramLabel = "FORMAT", description = "Refuse unless the image is this format.")
    String format;

    @Mixin
    LimitOptions limitOptions;

    @Parameters(paramLabel = "FILE", description = "The image file.")
    Path file;

    Limits limits() {
        return limitOptions.limits();
    }

    /** Opens the image after inspection found it safe and the format asserted (ImageFile, SafeOpener). */
    ImageFile open() throws IOException {
        return ImageFile.open(file, format, limits());
    }
}
