package io.lr0.http;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.lr0.registry.TlsContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import org.apache.kafka.common.config.ConfigException;

/**
 * How one of lr0's HTTP servers (embedded schema registry, dashboard) is protected: optional HTTP basic auth
 * ({@code user:password}) and optional TLS (a key store). Both off by default, where the servers bind 127.0.0.1.
 * The same settings give the matching client side: scheme, credentials, and the trust store for instance-to-instance calls.
 */
public final class HttpSecurity {
    public static final HttpSecurity NONE = new HttpSecurity(null, null, null, null, null, null);

    private final String user;
    private final byte[] password;
    private final Path keyStore;
    private final String keyStorePassword;
    private final Path trustStore;
    private final String trustStorePassword;

    private HttpSecurity(String user, byte[] password, Path keyStore, String keyStorePassword, Path trustStore,
                         String trustStorePassword) {
        this.user = user;
        this.password = password;
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
    }

    /**
     * {@code userInfo}: {@code user:password} or empty for no auth; {@code keyStore}: a PKCS12/JKS file or empty
     * for plain HTTP; {@code trustStore}: what this side's outbound calls trust (empty: the key store's own
     * certificate; with neither, the JVM's CAs). {@code what}
     * names the setting in errors.
     */
    public static HttpSecurity of(String what, String userInfo, String keyStore, String keyStorePassword,
                                  String trustStore, String trustStorePassword) {
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
        Path keys = blank(keyStore) ? null : Path.of(keyStore);
        if (keys != null) {
            TlsContexts.serving(keys, keyStorePassword); // fails now, naming the file, rather than at the first request
        }
        // Instances sharing one self-signed certificate trust it without a separate trust store.
        return blank(trustStore)
                ? new HttpSecurity(user, password, keys, keyStorePassword, keys, keyStorePassword)
                : new HttpSecurity(user, password, keys, keyStorePassword, Path.of(trustStore), trustStorePassword);
    }

    public boolean tls() {
        return keyStore != null;
    }

    public String scheme() {
        return tls() ? "https" : "http";
    }

    /** An HTTPS server when a key store is set, else plain HTTP, bound to {@code address}. */
    public HttpServer bind(InetSocketAddress address, int backlog) throws IOException {
        if (!tls()) {
            return HttpServer.create(address, backlog);
        }
        HttpsServer server = HttpsServer.create(address, backlog);
        server.setHttpsConfigurator(new HttpsConfigurator(TlsContexts.serving(keyStore, keyStorePassword)));
        return server;
    }

    /** Requires the credentials on every request of {@code context} when basic auth is set. */
    public HttpContext protect(HttpContext context) {
        if (user != null) {
            context.setAuthenticator(new BasicAuthenticator("lr0") {
                @Override
                public boolean checkCredentials(String givenUser, String givenPassword) {
                    // Constant-time comparisons: the answer time says nothing about how much was right.
                    boolean userOk = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                            givenUser.getBytes(StandardCharsets.UTF_8));
                    boolean passwordOk = MessageDigest.isEqual(password, givenPassword.getBytes(StandardCharsets.UTF_8));
                    return userOk & passwordOk;
                }
            });
        }
        return context;
    }

    /** A client for calls to peers protected the same way (trust store, when set). */
    public HttpClient.Builder client(HttpClient.Builder builder) {
        if (trustStore != null) {
            builder.sslContext(TlsContexts.trusting(trustStore, trustStorePassword));
        }
        return builder;
    }

    /** Adds the credentials to an outbound request to a peer, when basic auth is set. */
    public HttpRequest.Builder authorize(HttpRequest.Builder request) {
        if (user != null) {
            String token = user + ":" + new String(password, StandardCharsets.UTF_8);
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    token.getBytes(StandardCharsets.UTF_8)));
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
