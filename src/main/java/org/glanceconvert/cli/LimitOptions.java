package org.glanceconvert.cli;

import org.glanceconvert.image.Limits;
import picocli.CommandLine.Option;

/** The resource caps a command line may tighten or loosen. */
final class LimitOptions {
    @Option(names = "--max-virtual-size", paramLabel = "BYTES",
            description = "Refuse images whose virtual size is larger (default: 16 TiB).")
    Long maxVirtualSize;

    Limits limits() {
        Limits limits = Limits.DEFAULT;
        if (maxVirtualSize != null) {
            limits = limits.withMaxVirtualSize(maxVirtualSize);
        }
        return limits;
    }
}
