package io.lr0.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.http.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Speaks the Confluent Schema Registry REST API. Ids never change once assigned, so schemas by id and ids by
 * (subject, schema) are cached for the life of the client; {@link #latest} always asks.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> baseUrls;
    private final String authorization;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(RegistryConfig config) {
        this.baseUrls = config.urls();
        this.authorization = config.userInfo() == null
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString(config.userInfo().getBytes(StandardCharsets.UTF_8));
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (config.trustStore() != null) {
            builder.sslContext(TlsContexts.trusting(config.trustStore(), config.trustStorePassword()));
        }
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(cacheKey(subject, schema), key -> {
            JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
            int id = answer.path("id").asInt(-1);
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, key -> parse(send("GET", "/schemas/ids/" + id, null)));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(subject, send("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        RegisteredSchema found = registered(subject, send("POST", "/subjects/" + encode(subject), schemaBody(schema)));
        idsBySubjectAndSchema.putIfAbsent(cacheKey(subject, schema), found.id());
        return found;
    }

    /** The registry's subjects ({@code GET /subjects}): also what shows that a registry answers at all. */
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(subject -> subjects.add(subject.asText()));
        return subjects;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient needs no closing on Java 17.
    }

    private RegisteredSchema registered(String subject, JsonNode answer) {
        Schema schema = parse(answer);
        int id = answer.path("id").asInt();
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, id, answer.path("version").asInt(), schema);
    }

    private static Schema parse(JsonNode answer) {
        String schemaType = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(schemaType)) {
            throw new SchemaRegistryException(
                    200,
                    SchemaRegistryException.INVALID_SCHEMA,
                    "Registry returned a " + schemaType + " schema; only AVRO is supported");
        }
        return new Schema.Parser().parse(answer.path("schema").asText());
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String cacheKey(String subject, Schema schema) {
        return subject + '\n' + schema.toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends the request to each base URL in turn until one answers; maps error bodies to exceptions. */
    private JsonNode send(String method, String path, String body) {
        IOException lastFailure = null;
        for (URI base : baseUrls) {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(stripSlash(base) + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", ACCEPT)
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return answer(method, base, path, response);
            } catch (IOException e) {
                lastFailure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while calling the schema registry", e);
            }
        }
        throw new SchemaRegistryException(
                "Schema registry unreachable at "
                        + baseUrls.stream().map(RegistryConfig::redacted).toList() + " (" + method + " " + path
                        + "): " + lastFailure,
                lastFailure);
    }

    private static String stripSlash(URI base) {
        String path = base.getPath();
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static JsonNode answer(String method, URI base, String path, HttpResponse<String> response) {
        JsonNode json;
        try {
            json = JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            json = JSON.createObjectNode().put("message", response.body());
        }
        if (response.statusCode() / 100 == 2) {
            return json;
        }
        int errorCode = json.path("error_code").asInt(response.statusCode());
        String message = json.path("message")
                .asText(
                        response.statusCode() == 401
                                ? "unauthorized: set or check schema.registry.basic.auth.user.info"
                                : "no message");
        throw SchemaRegistryException.of(
                response.statusCode(),
                errorCode,
                method + " " + RegistryConfig.redacted(base) + path + " failed: " + message);
    }
}
