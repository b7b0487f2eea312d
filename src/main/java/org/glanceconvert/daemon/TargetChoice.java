package org.glanceconvert.daemon;

/**
 * What the cloud's configuration wants for one image, after its ordered rules were applied.
 *
 * @param targetFormat  the format the image should end up in
 * @param skipReason    non-null when a rule skips the image
 * @param convertIso    true when a rule opts real ISO images in
 */
public record TargetChoice(String targetFormat, String skipReason, boolean convertIso) {

    public static TargetChoice target(String format) {
        return new TargetChoice(format, null, false);
    }
}
