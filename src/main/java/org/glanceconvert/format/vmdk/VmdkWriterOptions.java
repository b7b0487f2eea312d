package org.glanceconvert.format.vmdk;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.glanceconvert.format.WriteOptions;
import org.glanceconvert.image.Check;
import org.glanceconvert.image.ImageFormatException;

/**
 * The {@code -o} options of VMDK output, spelled as QEMU spells them:
 * {@code subformat=streamOptimized|monolithicSparse} and
 * {@code adapter_type=ide|lsilogic|buslogic|legacyESX}.
 */
public record VmdkWriterOptions(Subformat subformat, AdapterType adapterType) {
    static final Set<String> KNOWN = Set.of("subformat", "adapter_type");

    /** The createType written into the descriptor. */
    public enum Subformat {
        STREAM_OPTIMIZED(VmdkDescriptor.STREAM_OPTIMIZED),
        MONOLITHIC_SPARSE(VmdkDescriptor.MONOLITHIC_SPARSE);

        private final String createType;

        Subformat(String createType) {
            this.createType = createType;
        }

        public String createType() {
            return createType;
        }
    }

    /**
     * The descriptor's {@code ddb.adapterType}. QEMU defaults to ide; the value is recorded
     * so that the Glance copy can carry a {@code vmware_adaptertype} that matches it.
     */
    public enum AdapterType {
        IDE("ide", 16, "ide"),
        LSILOGIC("lsilogic", 255, "lsiLogic"),
        BUSLOGIC("buslogic", 255, "busLogic"),
        /** ESX 2.x disks; Nova has no adapter of that name. */
        LEGACY_ESX("legacyESX", 255, null);

        private final String descriptorValue;
        private final int heads;
        private final String glanceValue;

        AdapterType(String descriptorValue, int heads, String glanceValue) {
            this.descriptorValue = descriptorValue;
            this.heads = heads;
            this.glanceValue = glanceValue;
        }

        /** As written in {@code ddb.adapterType}. */
        public String descriptorValue() {
            return descriptorValue;
        }

        /**
         * Heads of the descriptor geometry: VMware uses 16 for IDE and 255 for every SCSI adapter
         * (as qemu does).
         */
        public int heads() {
            return heads;
        }

        /** Glance's {@code vmware_adaptertype} value for this adapter, when Nova knows one. */
        public Optional<String> glanceValue() {
            return Optional.ofNullable(glanceValue);
        }

        /** Parses a descriptor or Glance spelling, ignoring case ({@code lsiLogic} = {@code lsilogic}). */
        public static AdapterType parse(String text) throws ImageFormatException {
            for (AdapterType a : values()) {
                if (a.descriptorValue.equalsIgnoreCase(text)) {
                    return a;
                }
            }
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED, "vmdk adapter_type '" + text
                    + "' is not one of " + Arrays.stream(values()).map(AdapterType::descriptorValue)
                    .collect(Collectors.joining(", ")));
        }
    }

    /** The options of {@code options}, refusing unknown keys and values. */
    public static VmdkWriterOptions from(WriteOptions options) throws ImageFormatException {
        options.requireOnly("vmdk", KNOWN);
        String sub = options.oneOf("vmdk", "subformat", Subformat.STREAM_OPTIMIZED.createType(),
                Subformat.STREAM_OPTIMIZED.createType(), Subformat.MONOLITHIC_SPARSE.createType());
        Subformat subformat = sub.equals(Subformat.STREAM_OPTIMIZED.createType()) ? Subformat.STREAM_OPTIMIZED
                : Subformat.MONOLITHIC_SPARSE;
        AdapterType adapter = AdapterType.parse(options.get("adapter_type", AdapterType.IDE.descriptorValue()));
        if (options.compress() && subformat != Subformat.STREAM_OPTIMIZED) {
            throw new ImageFormatException(Check.FORMAT_UNSUPPORTED,
                    "compression (-c) needs vmdk subformat=streamOptimized");
        }
        return new VmdkWriterOptions(subformat, adapter);
    }
}
