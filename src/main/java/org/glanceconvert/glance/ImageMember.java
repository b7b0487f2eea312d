package org.glanceconvert.glance;

/** A project an image is shared with, and whether it accepted ({@code pending|accepted|rejected}). */
public record ImageMember(String imageId, String memberId, String status) {
}
