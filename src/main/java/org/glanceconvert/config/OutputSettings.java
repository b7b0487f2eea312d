package org.glanceconvert.config;

import java.util.Map;

/**
 * How a target image is written (config {@code output}): QEMU style {@code -o} options and
 * compression, e.g. {@code {options: {subformat: streamOptimized}}} for a vmdk target.
 */
public record OutputSettings(Map<String, String> options, boolean compress) {

    public OutputSettings {
        options = Map.copyOf(options);
    }

    public static OutputSettings none() {
        return new OutputSettings(Map.of(), false);
    }
}
