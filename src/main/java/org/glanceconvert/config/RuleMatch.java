package org.glanceconvert.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The condition of a rule. Every criterion given must hold (and); a criterion with several values
 * holds when any of them does (or). An empty match holds for every image.
 *
 * @param owners      owning project ids
 * @param tags        tags, any of which the image carries
 * @param name        the image name as a glob ({@code *}, {@code ?}) or, with {@code name_regex}, a regex
 * @param diskFormats declared disk_format values
 * @param properties  property name to accepted values; {@code "*"} accepts any value that is set
 */
public record RuleMatch(
        List<String> owners,
        List<String> tags,
        Pattern name,
        List<String> diskFormats,
        Map<String, List<String>> properties) {

    public RuleMatch {
        owners = List.copyOf(owners);
        tags = List.copyOf(tags);
        diskFormats = List.copyOf(diskFormats);
        properties = Map.copyOf(properties);
    }

    public boolean matches(RuleSubject image) {
        if (!owners.isEmpty() && !owners.contains(image.owner())) {
            return false;
        }
        if (!tags.isEmpty() && tags.stream().noneMatch(image.tags()::contains)) {
            return false;
        }
        if (name != null && (image.name() == null || !name.matcher(image.name()).matches())) {
            return false;
        }
        if (!diskFormats.isEmpty() && !diskFormats.contains(image.diskFormat())) {
            return false;
        }
        for (Map.Entry<String, List<String>> p : properties.entrySet()) {
            Optional<String> v = image.property(p.getKey());
            if (v.isEmpty() || !(p.getValue().contains("*") || p.getValue().contains(v.get()))) {
                return false;
            }
        }
        return true;
    }

    /** A glob as a regex: {@code *} any run, {@code ?} one character, everything else literal. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
