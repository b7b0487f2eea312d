package org.glanceconvert.daemon;

import java.util.Optional;
import org.glanceconvert.config.CloudSettings;
import org.glanceconvert.config.OutputSettings;
import org.glanceconvert.config.Rule;
import org.glanceconvert.config.RuleSubject;

/** Applies a cloud's ordered rules to one image: what it should become, with which options. Pure. */
public final class TargetSelector {
    private final CloudSettings cloud;

    public TargetSelector(CloudSettings cloud) {
        this.cloud = cloud;
    }

    /** The plan for one image. */
    public record Plan(TargetChoice choice, OutputSettings output, String rule) {

        /**
         * The output options for {@code target}: this plan's when the image ends up with the
         * plan's target, none when a per-image {@code glance_convert_target} asked for another.
         */
        public OutputSettings outputFor(String target) {
            return target != null && target.equals(choice.targetFormat()) ? output : OutputSettings.none();
        }
    }

    public Plan plan(RuleSubject image) {
        Optional<Rule> rule = cloud.ruleFor(image);
        if (rule.isEmpty()) {
            return new Plan(TargetChoice.target(cloud.targetFormat()), cloud.output(), null);
        }
        Rule r = rule.get();
        if (r.skip()) {
            return new Plan(new TargetChoice(cloud.targetFormat(), "skipped by " + r.describe(), false),
                    OutputSettings.none(), r.describe());
        }
        String target = r.targetFormat().orElse(cloud.targetFormat());
        OutputSettings output = r.output() != null ? r.output()
                : target.equals(cloud.targetFormat()) ? cloud.output() : OutputSettings.none();
        return new Plan(new TargetChoice(target, null, r.includeIso()), output, r.describe());
    }
}
