package org.glanceconvert.daemon;

import org.glanceconvert.config.CloudSettings;
import org.glanceconvert.glance.GlanceClient;

/**
 * One configured cloud at run time: its settings, its Glance client, its rules and, in a dry
 * run, the memory of what was decided.
 */
record Cloud(CloudSettings settings, GlanceClient client, TargetSelector selector, DryRunMemory dryRunMemory,
             HorizonStore horizon) {

    String name() {
        return settings.name();
    }
}
