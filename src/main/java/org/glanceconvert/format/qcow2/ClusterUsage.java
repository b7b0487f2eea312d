package org.glanceconvert.format.qcow2;

/**
 * What uses each host cluster of the file, and how many references it has, as {@code check}
 * counts them: two bits of role, one "L2 table already walked" bit and a 13-bit saturating count
 * per cluster. Sized by the file, never by a number the image states, and only after the caller
 * has checked {@link #bytesFor} against the limits.
 */
final class ClusterUsage {
    /** The structure a cluster belongs to; one cluster has one role in a consistent image. */
    enum Role {
        NONE, DATA, L2_TABLE, METADATA;

        /** Roles whose clusters may be referenced more than once (shared by snapshots). */
        boolean shareable() {
            return this == DATA || this == L2_TABLE;
        }
    }

    static final int MAX_COUNT = (1 << 13) - 1;
    private static final int ROLE_SHIFT = 14;
    private static final int WALKED = 1 << 13;
    private static final int COUNT_MASK = MAX_COUNT;
    private static final Role[] ROLES = Role.values();

    private final char[] usage;

    ClusterUsage(long clusters) {
        this.usage = new char[(int) clusters];
    }

    static long bytesFor(long clusters) {
        return clusters * Character.BYTES;
    }

    int clusters() {
        return usage.length;
    }

    Role role(long cluster) {
        return ROLES[usage[(int) cluster] >>> ROLE_SHIFT];
    }

    int count(long cluster) {
        return usage[(int) cluster] & COUNT_MASK;
    }

    /**
     * Adds {@code references} references of {@code role} to a cluster inside the file.
     *
     * @return the role the cluster already had when it conflicts with this one, else null
     */
    Role add(long cluster, Role role, int references) {
        int i = (int) cluster;
        int value = usage[i];
        Role existing = ROLES[value >>> ROLE_SHIFT];
        int count = Math.min(MAX_COUNT, (value & COUNT_MASK) + references);
        Role conflict = null;
        if (existing == Role.NONE) {
            existing = role;
        } else if (existing != role || !role.shareable()) {
            conflict = existing;
        }
        usage[i] = (char) ((existing.ordinal() << ROLE_SHIFT) | (value & WALKED) | count);
        return conflict;
    }

    /** Marks an L2 table walked; returns false if it already was. */
    boolean markWalked(long cluster) {
        int i = (int) cluster;
        if ((usage[i] & WALKED) != 0) {
            return false;
        }
        usage[i] = (char) (usage[i] | WALKED);
        return true;
    }
}
