package org.glanceconvert.daemon;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.UUID;

/**
 * Who works on a claimed copy: {@code replica/incarnation}. The replica names the place the
 * daemon runs (the pod or host; {@code GLANCE_CONVERT_REPLICA} overrides the host name), the
 * incarnation one process lifetime. A copy claimed by an earlier incarnation of the same
 * replica belongs to a process that is gone (one daemon per replica), so it is taken over at
 * once instead of after the lease.
 */
public record Claimant(String replica, String incarnation) {

    public Claimant {
        if (replica.isBlank() || replica.contains("/") || incarnation.isBlank() || incarnation.contains("/")) {
            throw new IllegalArgumentException("replica and incarnation must be non-empty and free of '/'");
        }
    }

    /** This process: the replica from the environment or the host name, a random incarnation. */
    public static Claimant forThisProcess(String replicaOverride) {
        String replica = replicaOverride != null && !replicaOverride.isBlank() ? replicaOverride.trim() : hostName();
        return new Claimant(replica.replace('/', '_'), UUID.randomUUID().toString().substring(0, 8));
    }

    /** Parses {@code replica/incarnation}; null when the text is not one. */
    public static Claimant parse(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.lastIndexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            return null;
        }
        try {
            return new Claimant(text.substring(0, slash), text.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True when {@code other} is an earlier (or later) process of the same replica. */
    public boolean isOtherIncarnationOf(Claimant other) {
        return other != null && replica.equals(other.replica) && !incarnation.equals(other.incarnation);
    }

    @Override
    public String toString() {
        return replica + "/" + incarnation;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
