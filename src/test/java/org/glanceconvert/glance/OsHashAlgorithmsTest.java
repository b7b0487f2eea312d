package org.glanceconvert.glance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class OsHashAlgorithmsTest {
    @Test
    void hashlibNamesMapToDigestsTheJdkHas() throws Exception {
        String[][] cases = {{"sha512", "SHA-512"}, {"SHA512", "SHA-512"}, {"sha384", "SHA-384"}, {"sha256", "SHA-256"},
            {"sha1", "SHA-1"}, {"md5", "MD5"}, {"sha3_512", "SHA3-512"}, {"sha3-256", "SHA3-256"}};
        for (String[] c : cases) {
            assertEquals(c[1], OsHashAlgorithms.javaName(c[0]), c[0]);
            MessageDigest.getInstance(c[1]);
        }
        assertNull(OsHashAlgorithms.javaName("blake2b"));
    }
}
