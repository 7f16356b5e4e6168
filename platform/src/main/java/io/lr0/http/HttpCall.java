package io.lr0.http;

import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.util.URIUtil;

/**
 * One request as lr0's HTTP servers handle it: read whole, within the server's body limit, before it is handled.
 * {@code rawPath} is as sent (percent-encoded); {@code query} is decoded, a name without '=' having the value "" and
 * the last repeat winning; {@code headers} are by lower-case name.
 */
public record HttpCall(
        String method, String rawPath, Map<String, String> query, Map<String, String> headers, byte[] body) {

    /** The header {@code name} (any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The path, decoded as a path is: {@code %XX} sequences only (a '+' stays a '+': paths are not form-encoded). */
    public String path() {
        return decodePath(rawPath);
    }

    /** A raw path or path segment decoded as a path is. */
    public static String decodePath(String raw) {
        return URIUtil.decodePath(raw);
    }
}
