package io.lr0.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** What lr0's HTTP servers (dashboard, schema registry, push endpoint) do with an exchange the same way. */
public final class HttpExchanges {
    /** How much of a refused body is read and dropped so the client gets its answer; beyond it the body is cut. */
    public static final long MAX_DISCARDED_BYTES = 16L * 1024 * 1024;

    private HttpExchanges() {}

    /** The query parameters of {@code uri}, decoded; a name without '=' has the value "", the last repeat wins. */
    public static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] parts = pair.split("=", 2);
                query.put(
                        URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    /** Answers {@code status} with {@code body} of {@code contentType}, and closes the body. */
    public static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * Reads and drops what is left of a refused body, up to {@link #MAX_DISCARDED_BYTES} in a small buffer, so that
     * a client still sending it reads the 413 instead of a reset connection; a larger body is cut off.
     */
    public static void discard(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long discarded = 0;
        int read;
        while (discarded < MAX_DISCARDED_BYTES && (read = in.read(buffer)) > 0) {
            discarded += read;
        }
    }
}
