package org.glanceconvert.format;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.glanceconvert.format.qcow2.Qcow2Format;
import org.glanceconvert.format.qcow2.Qcow2Writer;
import org.glanceconvert.format.raw.IsoFormat;
import org.glanceconvert.format.raw.RawFormat;
import org.glanceconvert.format.raw.RawWriter;
import org.glanceconvert.format.unsupported.BochsFormat;
import org.glanceconvert.format.unsupported.CloopFormat;
import org.glanceconvert.format.unsupported.DmgFormat;
import org.glanceconvert.format.unsupported.LuksFormat;
import org.glanceconvert.format.unsupported.PloopFormat;
import org.glanceconvert.format.unsupported.QcowFormat;
import org.glanceconvert.format.unsupported.QedFormat;
import org.glanceconvert.format.vdi.VdiFormat;
import org.glanceconvert.format.vhd.VhdFormat;
import org.glanceconvert.format.vhd.VhdWriter;
import org.glanceconvert.format.vhdx.VhdxFormat;
import org.glanceconvert.format.vhdx.VhdxWriter;
import org.glanceconvert.format.vmdk.VmdkFormat;
import org.glanceconvert.format.vmdk.VmdkWriter;

/**
 * Every format glance-convert knows, in probing order. Raw is not in the list: it is what an
 * image is when no signature matches.
 */
public final class DiskFormats {
    private static final List<DiskFormat> SIGNED = List.of(
            new Qcow2Format(),
            new VmdkFormat(),
            new VhdFormat(),
            new VhdxFormat(),
            new VdiFormat(),
            // detected, never converted
            new LuksFormat(),
            new QedFormat(),
            new QcowFormat(),
            new PloopFormat(),
            new DmgFormat(),
            new BochsFormat(),
            new CloopFormat(),
            // last: its signature sits behind a 32 KiB system area where other headers can hide
            new IsoFormat());
    private static final RawFormat RAW = new RawFormat();
    private static final List<DiskFormatWriter> WRITERS = List.of(
            new RawWriter(), new Qcow2Writer(), new VmdkWriter(), new VhdWriter(), new VhdxWriter());

    private DiskFormats() {
    }

    /** All formats that have a signature, in probing order. */
    public static List<DiskFormat> signed() {
        return SIGNED;
    }

    /** The fallback format. */
    public static DiskFormat raw() {
        return RAW;
    }

    /** The format of that name (Glance's disk_format; {@code vpc} means vhd), if known. */
    public static Optional<DiskFormat> byName(String name) {
        String wanted = canonicalName(name);
        if (RAW.name().equals(wanted)) {
            return Optional.of(RAW);
        }
        return SIGNED.stream().filter(f -> f.name().equals(wanted)).findFirst();
    }

    /** The writer for an output format name ({@code vpc} means vhd), if one exists. */
    public static Optional<DiskFormatWriter> writer(String name) {
        String wanted = canonicalName(name);
        return WRITERS.stream().filter(w -> w.name().equals(wanted)).findFirst();
    }

    /** Glance's name for a format name as users and QEMU spell it. */
    public static String canonicalName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "vpc" -> "vhd";
            case "parallels" -> "ploop";
            default -> n;
        };
    }
}
