package org.glanceconvert.cli;

import org.glanceconvert.GlanceConvert;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"glance-convert " + GlanceConvert.version()};
    }
}
