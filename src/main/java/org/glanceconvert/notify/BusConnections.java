package org.glanceconvert.notify;

import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.glanceconvert.config.NotificationSettings;
import org.glanceconvert.config.TlsSettings;

/** Turns an oslo.messaging transport URL and TLS settings into a RabbitMQ connection factory. */
final class BusConnections {
    static final int DEFAULT_PORT = 5672;
    static final int DEFAULT_TLS_PORT = 5671;

    private BusConnections() {
    }

    static ConnectionFactory factory(NotificationSettings settings) throws IOException, GeneralSecurityException {
        URI url = settings.transportUrl();
        TlsSettings tls = settings.tls();
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(url.getHost());
        f.setPort(url.getPort() > 0 ? url.getPort() : tls.enabled() ? DEFAULT_TLS_PORT : DEFAULT_PORT);
        String userInfo = url.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            f.setUsername(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                f.setPassword(decode(userInfo.substring(colon + 1)));
            }
        }
        f.setVirtualHost(virtualHost(url));
        if (tls.enabled()) {
            if (!tls.verify()) {
                f.useSslProtocol(); // trusts any certificate: an explicit verify: false in the config
            } else {
                f.useSslProtocol(sslContext(tls));
                f.enableHostnameVerification();
            }
        }
        // Our own loop reconnects and declares again (NotificationListener): one recovery path, not two.
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        f.setRequestedHeartbeat(30);
        f.setConnectionTimeout(10_000);
        return f;
    }

    /**
     * oslo.messaging's rule: the path after the first slash is the vhost, URL-decoded; none or an
     * empty one means the default vhost {@code /}.
     */
    static String virtualHost(URI url) {
        String path = url.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return "/";
        }
        return decode(path.substring(1));
    }

    /** "host:port/vhost" with no credentials, for logs. */
    static String describe(NotificationSettings settings) {
        URI u = settings.transportUrl();
        return u.getHost() + ":" + (u.getPort() > 0 ? u.getPort() : settings.tls().enabled() ? DEFAULT_TLS_PORT : DEFAULT_PORT)
                + " vhost " + virtualHost(u);
    }

    private static SSLContext sslContext(TlsSettings tls) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (tls.cacert() == null) {
            tmf.init((KeyStore) null); // the JVM's trust store
        } else {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(tls.cacert())) {
                int n = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + n++, c);
                }
                if (n == 0) {
                    throw new GeneralSecurityException(tls.cacert() + " holds no certificate");
                }
            }
            tmf.init(store);
        }
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
