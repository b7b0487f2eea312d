package org.glanceconvert.config;

import java.util.Optional;
import java.util.Set;

/** What a rule can look at: the Glance metadata of one image. */
public interface RuleSubject {

    /** The owning project's id. */
    String owner();

    String name();

    /** Glance's declared {@code disk_format}. */
    String diskFormat();

    Set<String> tags();

    /** A property of the image (user property or base attribute), as text. */
    Optional<String> property(String key);
}
