package org.glanceconvert.config;

import java.util.Optional;

/**
 * One entry of a cloud's ordered {@code rules}: the first rule whose {@link RuleMatch} holds
 * decides. It either skips the image or sets its target format (with its own output options).
 *
 * @param index      position in the list, for log lines ("rule 2")
 * @param target     the target format, or null when the rule skips
 * @param output     output options for that target (null: the cloud's, when the targets agree)
 * @param includeIso whether this rule opts ISO images (boot media, left alone by default) in
 * @param reason     the operator's words, logged with the decision
 */
public record Rule(int index, RuleMatch match, boolean skip, String target, OutputSettings output,
                   boolean includeIso, String reason) {

    public Optional<String> targetFormat() {
        return Optional.ofNullable(target);
    }

    public boolean matches(RuleSubject image) {
        return match.matches(image);
    }

    /** "rule 2 (reason)" for log lines. */
    public String describe() {
        return "rule " + index + (reason == null ? "" : " (" + reason + ")");
    }
}
