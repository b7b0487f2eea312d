package org.glanceconvert.config;

import java.util.List;
import java.util.Optional;

/**
 * What glance-convert does on one cloud (an entry of {@code clouds} in glance-convert.yaml).
 *
 * @param name          glance-convert's name for the cloud (logs, metrics, work subdirectory)
 * @param cloud         the clouds.yaml entry to authenticate with
 * @param targetFormat  the format images should end up in: raw, qcow2, vmdk, vhd or vhdx
 * @param keepSuffix    appended to the original's name under {@code original: keep}
 * @param notifications RabbitMQ notifications, or null to poll only
 */
public record CloudSettings(
        String name,
        String cloud,
        String targetFormat,
        OutputSettings output,
        List<Rule> rules,
        OriginalPolicy original,
        String keepSuffix,
        OnUnsafe onUnsafe,
        NotificationSettings notifications) {

    public CloudSettings {
        rules = List.copyOf(rules);
    }

    /** The first rule that matches the image, if any. */
    public Optional<Rule> ruleFor(RuleSubject image) {
        return rules.stream().filter(r -> r.matches(image)).findFirst();
    }

    public Optional<NotificationSettings> notificationSettings() {
        return Optional.ofNullable(notifications);
    }
}
