package org.glanceconvert.glance;

import java.util.List;

/** One page of a listing; {@code nextMarker} is null on the last page. */
public record ImagePage(List<GlanceImage> images, String nextMarker) {

    public ImagePage {
        images = List.copyOf(images);
    }

    public boolean hasNext() {
        return nextMarker != null;
    }
}
