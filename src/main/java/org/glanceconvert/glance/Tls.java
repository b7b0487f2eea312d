package org.glanceconvert.glance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of one cloud, from clouds.yaml {@code cacert} (a PEM bundle trusted instead of
 * the system's) and {@code verify} (false: trust anything, for labs only; logged loudly).
 */
public record Tls(SSLContext context, X509TrustManager trustManager, HostnameVerifier hostnameVerifier) {

    public static Tls of(Path cacert, boolean verify) throws IOException {
        try {
            X509TrustManager tm;
            if (!verify) {
                tm = new TrustEverything();
            } else if (cacert != null) {
                tm = fromBundle(cacert);
            } else {
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init((KeyStore) null);
                tm = x509(f.getTrustManagers());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            HostnameVerifier hv = verify ? null : (host, session) -> true;
            return new Tls(ctx, tm, hv);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS" + (cacert == null ? "" : " with " + cacert) + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager fromBundle(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new IOException("cacert " + pem + " holds no certificate");
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            ks.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        return x509(f.getTrustManagers());
    }

    private static X509TrustManager x509(TrustManager[] managers) throws GeneralSecurityException {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    /** verify: false. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
