package io.lr0.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lr0.http.HttpAnswer;
import io.lr0.http.HttpCall;
import io.lr0.http.HttpRoutes;
import io.lr0.http.HttpSecurity;
import io.lr0.http.HttpService;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry server speaking Confluent's REST API for Avro (every call Confluent's clients make), storing its
 * state in the compacted Kafka topic {@code _schemas} in Confluent's record layout so ids, deletions, levels and modes
 * survive restarts, and checking compatibility (BACKWARD by default) with Avro's {@code SchemaCompatibility}. One
 * instance per cluster: it is the only writer.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBJECT = "/subjects/([^/]+)";

    /**
     * The largest request body read: a schema must fit one record of the {@code _schemas} topic (about 1 MiB with its
     * JSON escaping), and no request needs more.
     */
    static final int MAX_BODY_BYTES = 512 * 1024;

    /** The longest subject name accepted. */
    static final int MAX_SUBJECT_CHARS = 255;

    private final AutoCloseable storeLog;
    private final SchemaStore store;
    private HttpService server;

    private EmbeddedSchemaRegistry(AutoCloseable storeLog, SchemaStore store) {
        this.storeLog = storeLog;
        this.store = store;
    }

    /**
     * Starts the registry on {@code host:port} (0 = any free port), persisting to {@code _schemas} on the cluster
     * that {@code kafkaClientConfig} reaches; {@code security} adds basic auth and TLS.
     */
    public static EmbeddedSchemaRegistry start(
            Map<String, Object> kafkaClientConfig, String host, int port, HttpSecurity security) {
        KafkaSchemaLog kafkaLog = KafkaSchemaLog.open(kafkaClientConfig);
        SchemaStore store = new SchemaStore(kafkaLog);
        kafkaLog.replay(store::apply);
        return serve(store, kafkaLog, host, port, security);
    }

    /**
     * The same server keeping its state in memory only (ids do not survive a restart): for unit tests driving a
     * topology without a broker.
     */
    public static EmbeddedSchemaRegistry startInMemory(String host, int port) {
        return serve(new SchemaStore((key, value) -> {}), () -> {}, host, port, HttpSecurity.NONE);
    }

    private static EmbeddedSchemaRegistry serve(
            SchemaStore store, AutoCloseable storeLog, String host, int port, HttpSecurity security) {
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(storeLog, store);
        registry.server = HttpService.start(
                "schema-registry",
                host,
                port == 0 ? 0 : EmbeddedKafka.requireFree(port, "schema registry"),
                security,
                MAX_BODY_BYTES,
                registry.new Routes());
        log.info(
                "Schema registry listening on {} ({} subjects restored)",
                registry.url(),
                store.subjects("", false).size());
        return registry;
    }

    /** Base URL for {@code schema.registry.url}. */
    public String url() {
        return server.url();
    }

    /** The port it listens on (the one it picked, when started on port 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        try {
            storeLog.close();
        } catch (Exception e) {
            log.warn("Closing the schema store log failed", e);
        }
    }

    /** Confluent's paths, answered as Confluent's registry answers, errors included. */
    private final class Routes implements HttpRoutes {
        @Override
        public HttpAnswer answer(HttpCall call) throws IOException {
            try {
                return HttpAnswer.json(200, route(call)).withContentType(RestSchemaRegistryClient.CONTENT_TYPE);
            } catch (SchemaRegistryException e) {
                return confluentError(e.httpStatus(), e.errorCode(), e.detail());
            } catch (RuntimeException e) {
                log.warn("Schema registry request {} {} failed", call.method(), call.rawPath(), e);
                return confluentError(500, 50001, "Error in the backend data store: " + e.getMessage());
            }
        }

        @Override
        public HttpAnswer refusal(int status, String message) {
            int code = switch (status) {
                case 401 -> 40101;
                case 413 -> SchemaRegistryException.REQUEST_TOO_LARGE;
                case 500 -> 50001;
                default -> status;
            };
            return confluentError(status, code, message);
        }
    }

    private static HttpAnswer confluentError(int status, int errorCode, String message) {
        return HttpAnswer.json(
                        status,
                        JSON.createObjectNode().put("error_code", errorCode).put("message", message))
                .withContentType(RestSchemaRegistryClient.CONTENT_TYPE);
    }

    /**
     * Confluent's REST API for Avro (docs/schema-registry.md lists every path): schemas by id, subjects and their
     * versions (soft and permanent deletes, {@code ?deleted=true} listings), compatibility tests, compatibility
     * levels and modes, global and per subject, and the default context.
     */
    private JsonNode route(HttpCall call) throws IOException {
        String method = call.method();
        String path = call.rawPath().replaceAll("/+$", "");
        Map<String, String> query = call.query();
        boolean deleted = flag(query, "deleted");
        Matcher m;
        if (path.isEmpty() && method.equals("GET")) {
            return JSON.createObjectNode();
        }
        if (path.equals("/schemas/types") && method.equals("GET")) {
            return JSON.createArrayNode().add("AVRO");
        }
        if (path.equals("/contexts") && method.equals("GET")) {
            return JSON.createArrayNode().add(".");
        }
        if (path.equals("/schemas") && method.equals("GET")) {
            ArrayNode schemas = JSON.createArrayNode();
            store.schemas(query.getOrDefault("subjectPrefix", ""), deleted, flag(query, "latestOnly"))
                    .forEach(version -> schemas.add(describe(version)));
            return schemas;
        }
        if ((m = match("/schemas/ids/(\\d+)(/schema|/versions|/subjects)?", path)) != null && method.equals("GET")) {
            int id;
            try {
                id = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                // No schema can have an id beyond an int (ids are ints on the wire): not found, as Confluent answers.
                throw new SchemaRegistryException(
                        404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + m.group(1) + " not found");
            }
            String view = m.group(2) == null ? "" : m.group(2);
            switch (view) {
                case "/versions" -> {
                    ArrayNode versions = JSON.createArrayNode();
                    store.versionsById(id, deleted)
                            .forEach(v -> versions.addObject()
                                    .put("subject", v.subject())
                                    .put("version", v.version()));
                    return versions;
                }
                case "/subjects" -> {
                    ArrayNode subjects = JSON.createArrayNode();
                    store.versionsById(id, deleted).stream()
                            .map(SchemaStore.Version::subject)
                            .distinct()
                            .forEach(subjects::add);
                    return subjects;
                }
                default -> {
                    String schema = store.schemaById(id)
                            .orElseThrow(() -> new SchemaRegistryException(
                                    404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found"));
                    return view.equals("/schema")
                            ? JSON.readTree(schema)
                            : JSON.createObjectNode().put("schema", schema);
                }
            }
        }
        if (path.equals("/subjects") && method.equals("GET")) {
            ArrayNode subjects = JSON.createArrayNode();
            store.subjects(query.getOrDefault("subjectPrefix", ""), deleted).forEach(subjects::add);
            return subjects;
        }
        if ((m = match(SUBJECT + "/versions", path)) != null) {
            String subject = subject(m.group(1));
            if (method.equals("POST")) {
                SchemaStore.Version registered = store.register(subject, schemaOf(call));
                return JSON.createObjectNode().put("id", registered.id());
            }
            if (method.equals("GET")) {
                ArrayNode versions = JSON.createArrayNode();
                store.versions(subject, deleted).forEach(v -> versions.add(v.version()));
                return versions;
            }
        }
        if ((m = match(SUBJECT + "/versions/([^/]+)(/schema|/referencedby)?", path)) != null) {
            String subject = subject(m.group(1));
            if (method.equals("DELETE") && m.group(3) == null) {
                return JSON.getNodeFactory()
                        .numberNode(store.deleteVersion(subject, m.group(2), flag(query, "permanent")));
            }
            if (method.equals("GET")) {
                SchemaStore.Version version = store.version(subject, m.group(2), deleted);
                if ("/referencedby".equals(m.group(3))) {
                    // No schema references are accepted, so none refers to any version.
                    return JSON.createArrayNode();
                }
                return "/schema".equals(m.group(3)) ? JSON.readTree(version.schema()) : describe(version);
            }
        }
        if ((m = match(SUBJECT, path)) != null) {
            String subject = subject(m.group(1));
            if (method.equals("POST")) {
                return describe(store.lookup(subject, schemaOf(call), deleted));
            }
            if (method.equals("DELETE")) {
                ArrayNode versions = JSON.createArrayNode();
                store.deleteSubject(subject, flag(query, "permanent")).forEach(versions::add);
                return versions;
            }
        }
        if ((m = match("/compatibility" + SUBJECT + "/versions(?:/([^/]+))?", path)) != null && method.equals("POST")) {
            List<String> problems = store.checkCompatibility(subject(m.group(1)), m.group(2), schemaOf(call));
            ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
            ArrayNode messages = answer.putArray("messages");
            problems.forEach(messages::add);
            return answer;
        }
        if ((m = match("/(config|mode)(?:/([^/]+))?", path)) != null) {
            // Compatibility levels (/config) and modes (/mode), global or per subject: one mechanism, two names.
            SchemaStore.Setting setting =
                    m.group(1).equals("config") ? SchemaStore.Setting.COMPATIBILITY : SchemaStore.Setting.MODE;
            String subject = m.group(2) == null ? null : subject(m.group(2));
            switch (method) {
                case "GET" -> {
                    return JSON.createObjectNode()
                            .put(setting.storedField, store.get(setting, subject, flag(query, "defaultToGlobal")));
                }
                case "PUT" -> {
                    String value = body(call).path(setting.name).asText(null);
                    return JSON.createObjectNode().put(setting.name, store.set(setting, subject, value));
                }
                case "DELETE" -> {
                    return JSON.createObjectNode().put(setting.storedField, store.delete(setting, subject));
                }
                default -> {
                    // Falls through to 404 below.
                }
            }
        }
        throw new SchemaRegistryException(
                404, 404, "HTTP 404 Not Found: " + method + " " + path + " is not part of this registry's API");
    }

    private static boolean flag(Map<String, String> query, String name) {
        return Boolean.parseBoolean(query.get(name));
    }

    private static Matcher match(String pattern, String path) {
        Matcher matcher = Pattern.compile(pattern).matcher(path);
        return matcher.matches() ? matcher : null;
    }

    /**
     * The subject a path names, decoded; refused (422, 42208, as Confluent answers) when it holds control characters
     * or is longer than {@link #MAX_SUBJECT_CHARS}: a subject is also a key of {@code _schemas} and of every client's
     * cache, and such names are typos or attacks.
     */
    private static String subject(String raw) {
        // Decoded as a path: a '+' stays a '+' (URLDecoder made "a+b" "a b").
        String subject = HttpCall.decodePath(raw);
        if (subject.length() > MAX_SUBJECT_CHARS || subject.chars().anyMatch(c -> Character.isISOControl(c))) {
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_SUBJECT,
                    "The specified subject is not valid: at most " + MAX_SUBJECT_CHARS
                            + " characters and no control characters (it has " + subject.length() + ")");
        }
        return subject;
    }

    private static String schemaOf(HttpCall call) throws IOException {
        JsonNode body = body(call);
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema type " + type + ": this registry stores AVRO only");
        }
        if (body.path("references").size() > 0) {
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_SCHEMA,
                    "Schema references are not supported by this registry");
        }
        if (!body.path("schema").isTextual()) {
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: the request body needs a string field 'schema'");
        }
        return body.path("schema").asText();
    }

    /**
     * The request's JSON body (the server read at most {@link #MAX_BODY_BYTES}: the registry shares its JVM with the
     * broker in lr0 demo and lr0 broker, so a client must not make it hold a body of any size).
     */
    private static JsonNode body(HttpCall call) {
        try {
            return call.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(call.body());
        } catch (IOException e) {
            throw new SchemaRegistryException(400, 400, "Unrecognized request body: " + e.getMessage());
        }
    }

    private static ObjectNode describe(SchemaStore.Version version) {
        return JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema());
    }
}
