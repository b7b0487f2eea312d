package org.glanceconvert.format;

import java.util.Locale;

/** Parses sizes the way QEMU and operators write them: 512, 64k, 2M, 1G, 1T. */
public final class Sizes {
    private Sizes() {
    }

    public static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        if (!t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            int shift = "kmgtp".indexOf(last);
            if (shift >= 0) {
                unit = 1L << (10 * (shift + 1));
                t = t.substring(0, t.length() - 1);
            }
        }
        return Math.multiplyExact(Long.parseLong(t), unit);
    }
}
