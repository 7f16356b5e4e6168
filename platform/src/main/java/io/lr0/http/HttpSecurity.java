package io.lr0.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;

/**
 * How one of lr0's HTTP servers (embedded schema registry, dashboard) is protected: optional HTTP basic auth
 * ({@code user:password}) and optional TLS (a key store). Both off by default, where the servers bind 127.0.0.1.
 * The same settings give the matching client side: scheme, credentials, and the trust store for instance-to-instance calls.
 */
public final class HttpSecurity {
    public static final HttpSecurity NONE = new HttpSecurity(null, null, null, null);

    private final String user;
    private final byte[] password;
    /** Built once from the key store: null for plain HTTP. */
    private final SSLContext serverTls;
    /** What outbound calls to peers trust: null for the JVM's default CAs. */
    private final SSLContext clientTls;

    private HttpSecurity(String user, byte[] password, SSLContext serverTls, SSLContext clientTls) {
        this.user = user;
        this.password = password;
        this.serverTls = serverTls;
        this.clientTls = clientTls;
    }

    /**
     * {@code userInfo}: {@code user:password} or empty for no auth; {@code keyStore}: a PKCS12/JKS file or empty
     * for plain HTTP; {@code trustStore}: what this side's outbound calls trust (empty: the key store's own
     * certificate; with neither, the JVM's CAs). {@code what} names the setting in errors. The stores are opened
     * here, so a wrong path or password fails at start-up, naming the file.
     */
    public static HttpSecurity of(
            String what,
            String userInfo,
            String keyStore,
            String keyStorePassword,
            String trustStore,
            String trustStorePassword) {
        String user = null;
        byte[] password = null;
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon <= 0 || colon == userInfo.length() - 1) {
                throw new ConfigException(what + " basic auth must be 'user:password' (value hidden)");
            }
            user = userInfo.substring(0, colon);
            password = userInfo.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        }
        SSLContext serverTls = blank(keyStore) ? null : TlsContexts.serving(Path.of(keyStore), keyStorePassword);
        // Instances sharing one self-signed certificate trust it without a separate trust store.
        SSLContext clientTls = !blank(trustStore)
                ? TlsContexts.trusting(Path.of(trustStore), trustStorePassword)
                : serverTls != null ? TlsContexts.trusting(Path.of(keyStore), keyStorePassword) : null;
        return new HttpSecurity(user, password, serverTls, clientTls);
    }

    public boolean tls() {
        return serverTls != null;
    }

    public String scheme() {
        return tls() ? "https" : "http";
    }

    /** The server side's TLS, built from the key store; null for plain HTTP. */
    SSLContext serverTls() {
        return serverTls;
    }

    /**
     * Whether a request with this {@code Authorization} header (null when absent) may be answered: always without
     * basic auth; with it, only for {@code Basic base64(user:password)} of the configured credentials. Anything else
     * (another scheme, a token that is no base64, no colon) is refused, never an error.
     */
    public boolean admits(String authorization) {
        if (user == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        String credentials = new String(decoded, StandardCharsets.UTF_8);
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            return false;
        }
        // Constant-time comparisons: the answer time says nothing about how much was right.
        boolean userOk = MessageDigest.isEqual(
                user.getBytes(StandardCharsets.UTF_8),
                credentials.substring(0, colon).getBytes(StandardCharsets.UTF_8));
        boolean passwordOk =
                MessageDigest.isEqual(password, credentials.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk;
    }

    /** A client for calls to peers protected the same way (trust store, when set). */
    public HttpClient.Builder client(HttpClient.Builder builder) {
        if (clientTls != null) {
            builder.sslContext(clientTls);
        }
        return builder;
    }

    /** Adds the credentials to an outbound request to a peer, when basic auth is set. */
    public HttpRequest.Builder authorize(HttpRequest.Builder request) {
        if (user != null) {
            String token = user + ":" + new String(password, StandardCharsets.UTF_8);
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        return "HttpSecurity[basicAuth=" + (user != null) + ", tls=" + tls() + "]";
    }
}
