package io.lr0.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one of lr0's HTTP servers answers: a status, a body of a content type, and any further headers. */
public record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public HttpAnswer(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    /** {@code body} as {@code application/json}. */
    public static HttpAnswer json(int status, JsonNode body) {
        try {
            return new HttpAnswer(status, "application/json", JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that does not serialise", e);
        }
    }

    /** {@code {"error": message}}: what lr0's servers answer when they refuse a request. */
    public static HttpAnswer error(int status, String message) {
        return json(status, JSON.createObjectNode().put("error", message));
    }

    /** {@code text} as UTF-8 of {@code contentType}. */
    public static HttpAnswer text(int status, String contentType, String text) {
        return new HttpAnswer(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The same answer as {@code type}. */
    public HttpAnswer withContentType(String type) {
        return new HttpAnswer(status, type, body, headers);
    }

    /** The same answer with header {@code name} set too. */
    public HttpAnswer withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpAnswer(status, contentType, body, Map.copyOf(more));
    }
}
