package io.lr0.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/** TLS contexts from key and trust stores (PKCS12 or JKS, as Java detects), for lr0's HTTP servers and clients. */
public final class TlsContexts {
    private TlsContexts() {}

    /** A server context presenting the key in {@code keyStore}. */
    public static SSLContext serving(Path keyStore, String password) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keyStore, password), password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("Cannot use key store " + keyStore + ": " + e.getMessage());
        }
    }

    /**
     * A client context trusting the certificates in {@code trustStore} (instead of the JVM's default CAs): its
     * trusted entries and the certificates of its key entries, so a self-signed server's own key store serves as
     * the trust store too.
     */
    public static SSLContext trusting(Path trustStore, String password) {
        try {
            KeyStore stored = load(trustStore, password);
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            for (String alias : Collections.list(stored.aliases())) {
                if (stored.getCertificate(alias) != null) {
                    trusted.setCertificateEntry(alias, stored.getCertificate(alias));
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("Cannot use trust store " + trustStore + ": " + e.getMessage());
        }
    }

    private static KeyStore load(Path file, String password) throws GeneralSecurityException {
        if (!Files.isReadable(file)) {
            throw new ConfigException("Key or trust store " + file + " does not exist or is not readable");
        }
        try {
            return KeyStore.getInstance(file.toFile(), password == null ? null : password.toCharArray());
        } catch (IOException e) {
            // A wrong password surfaces as an IOException from KeyStore.load: say which file, not the password.
            throw new ConfigException("Cannot read " + file + ": " + e.getMessage());
        }
    }
}
