package org.glanceconvert.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glanceconvert.format.Sizes;
import org.glanceconvert.image.Limits;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The resource caps a command line may tighten or loosen (docs/contracts.md, "Limits"). Sizes
 * take binary suffixes ({@code 64K}, {@code 32M}, {@code 16T}, {@code 2TiB}); times {@code ms},
 * {@code s} or {@code m}.
 */
final class LimitOptions {
    @Option(names = "--max-virtual-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Refuse images whose virtual size is larger (default: 16T).")
    Long maxVirtualSize;

    @Option(names = "--max-table-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Refuse images with a larger metadata table: L1, refcount table, BAT, grain directory,"
                    + " block map (default: 32M).")
    Long maxTableBytes;

    @Option(names = "--max-descriptor-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Refuse VMDK descriptors that are larger (default: 1M).")
    Long maxDescriptorBytes;

    @Option(names = "--max-cache-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Metadata cache per open image: L2 tables, grain tables, BAT pages (default: 32M).")
    Long maxCacheBytes;

    @Option(names = "--max-inspect-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Refuse an image whose inspection would read more (default: 128M).")
    Long maxInspectBytes;

    @Option(names = "--max-inspect-time", paramLabel = "TIME", converter = MillisConverter.class,
            description = "Refuse an image whose inspection takes longer, e.g. 500ms, 30s (default: 30s).")
    Long maxInspectMillis;

    Limits limits() {
        Limits limits = Limits.DEFAULT;
        if (maxVirtualSize != null) {
            limits = limits.withMaxVirtualSize(maxVirtualSize);
        }
        if (maxTableBytes != null) {
            limits = limits.withMaxTableBytes(maxTableBytes);
        }
        if (maxDescriptorBytes != null) {
            limits = limits.withMaxDescriptorBytes(maxDescriptorBytes);
        }
        if (maxCacheBytes != null) {
            limits = limits.withMaxCacheBytes(maxCacheBytes);
        }
        if (maxInspectBytes != null) {
            limits = limits.withMaxInspectReadBytes(maxInspectBytes);
        }
        if (maxInspectMillis != null) {
            limits = limits.withMaxInspectMillis(maxInspectMillis);
        }
        return limits;
    }

    /** Bytes, with an optional binary suffix: 4096, 64K, 32M, 16T, 2TiB. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String t = value.trim();
            if (t.toLowerCase(Locale.ROOT).endsWith("ib")) {
                t = t.substring(0, t.length() - 2);
            }
            try {
                long bytes = Sizes.parse(t);
                if (bytes >= 0) {
                    return bytes;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // below
            }
            throw new TypeConversionException("'" + value + "' is not a size such as 4096, 64K, 32M or 16T");
        }
    }

    /** Milliseconds from 500ms, 30s, 2m or a plain number of milliseconds. */
    static final class MillisConverter implements ITypeConverter<Long> {
        private static final Pattern TIME = Pattern.compile("(\\d{1,12})\\s*(ms|s|m)?");

        @Override
        public Long convert(String value) {
            Matcher m = TIME.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a time such as 500ms, 30s or 2m");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "s" -> n * 1000;
                case "m" -> n * 60_000;
                default -> n;
            };
        }
    }
}
