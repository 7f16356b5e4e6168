package io.lr0.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lr0.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * The registry's state: subjects, versions, global ids and compatibility levels. Every change is first appended to
 * a log (the compacted {@code _schemas} topic, in Confluent's record layout) and then applied, and the state is
 * rebuilt by replaying that log, so ids survive restarts.
 */
final class SchemaStore {
    static final String DEFAULT_COMPATIBILITY = "BACKWARD";
    private static final List<String> LEVELS = List.of(
            "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where changes are persisted before they are applied. */
    interface Log {
        void append(String key, String value);

        /** Receives the records of an existing log, oldest first. */
        interface Replay {
            void apply(String key, String value);
        }
    }

    record Version(String subject, int version, int id, String schema) {}

    /** The largest {@code _schemas} record (JSON) stored: under the broker's and producer's default 1 MiB. */
    static final int MAX_STORED_BYTES = 1_000_000;

    private final Log log;
    private final Map<String, List<Version>> versionsBySubject = new TreeMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonicalSchema = new HashMap<>();
    private final Map<String, String> compatibilityBySubject = new HashMap<>();
    private String globalCompatibility = DEFAULT_COMPATIBILITY;
    private int maxId;

    SchemaStore(Log log) {
        this.log = log;
    }

    /** Applies one log record (key and value as the JSON Confluent's registry writes); unknown kinds are skipped. */
    synchronized void apply(String key, String value) {
        JsonNode keyJson = readJson(key);
        JsonNode valueJson = value == null ? null : readJson(value);
        switch (keyJson.path("keytype").asText()) {
            case "SCHEMA" -> {
                if (valueJson == null || valueJson.path("deleted").asBoolean(false)) {
                    return;
                }
                String subject = valueJson.path("subject").asText();
                int id = valueJson.path("id").asInt();
                String schema = valueJson.path("schema").asText();
                versionsBySubject
                        .computeIfAbsent(subject, s -> new ArrayList<>())
                        .add(new Version(subject, valueJson.path("version").asInt(), id, schema));
                schemasById.put(id, schema);
                idsByCanonicalSchema.putIfAbsent(canonical(schema), id);
                maxId = Math.max(maxId, id);
            }
            case "CONFIG" -> {
                String level = valueJson == null
                        ? null
                        : valueJson.path("compatibilityLevel").asText(null);
                if (keyJson.path("subject").isTextual()) {
                    if (level == null) {
                        compatibilityBySubject.remove(keyJson.path("subject").asText());
                    } else {
                        compatibilityBySubject.put(keyJson.path("subject").asText(), level);
                    }
                } else {
                    globalCompatibility = level == null ? DEFAULT_COMPATIBILITY : level;
                }
            }
            default -> {
                // NOOP and other record kinds of Confluent's registry carry nothing this store needs.
            }
        }
    }

    /** Registers {@code schemaText} under {@code subject}; returns the existing version when already there. */
    synchronized Version register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        List<Version> versions = versionsBySubject.getOrDefault(subject, List.of());
        for (Version existing : versions) {
            if (canonical(existing.schema()).equals(canonical)) {
                return existing;
            }
        }
        List<String> problems = incompatibilities(subject, schema, versions);
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException(
                    409,
                    SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\", details: " + problems);
        }
        int id = idsByCanonicalSchema.getOrDefault(canonical, maxId + 1);
        int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        ObjectNode key = JSON.createObjectNode()
                .put("keytype", "SCHEMA")
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1);
        ObjectNode value = JSON.createObjectNode()
                .put("subject", subject)
                .put("version", version)
                .put("id", id)
                .put("schema", canonical)
                .put("deleted", false);
        int stored = value.toString().getBytes(StandardCharsets.UTF_8).length;
        if (stored > MAX_STORED_BYTES) {
            // Refused before storing: Kafka would refuse the _schemas record, and the client deserves a 4xx.
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_SCHEMA,
                    "Schema too large to store: " + stored + " bytes as stored, over " + MAX_STORED_BYTES);
        }
        log.append(key.toString(), value.toString());
        apply(key.toString(), value.toString());
        return latest(subject);
    }

    synchronized Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    synchronized List<Version> versions(String subject) {
        List<Version> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw subjectNotFound(subject);
        }
        return List.copyOf(versions);
    }

    synchronized Version latest(String subject) {
        List<Version> versions = versions(subject);
        return versions.get(versions.size() - 1);
    }

    synchronized Version version(String subject, String version) {
        if ("latest".equals(version) || "-1".equals(version)) {
            return latest(subject);
        }
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_VERSION,
                    "The specified version '" + version + "' is not a valid version id. Allowed values are between "
                            + "[1, 2^31-1] and the string \"latest\"");
        }
        return versions(subject).stream()
                .filter(v -> v.version() == number)
                .findFirst()
                .orElseThrow(() -> new SchemaRegistryException(
                        404, SchemaRegistryException.VERSION_NOT_FOUND, "Version " + number + " not found."));
    }

    /** The version of {@code subject} holding this schema (POST /subjects/{subject}). */
    synchronized Version lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        return versions(subject).stream()
                .filter(v -> canonical(v.schema()).equals(canonical))
                .findFirst()
                .orElseThrow(() ->
                        new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found"));
    }

    /** Whether {@code schemaText} could be registered against version {@code version} (or all, if transitive). */
    synchronized List<String> checkCompatibility(String subject, String version, String schemaText) {
        List<Version> against = version.equals("latest") ? versions(subject) : List.of(version(subject, version));
        return incompatibilities(subject, parse(schemaText), against);
    }

    synchronized String compatibility(String subject) {
        return subject == null
                ? globalCompatibility
                : compatibilityBySubject.getOrDefault(subject, globalCompatibility);
    }

    synchronized String setCompatibility(String subject, String level) {
        String normalized = level == null ? "" : level.toUpperCase();
        if (!LEVELS.contains(normalized)) {
            throw new SchemaRegistryException(
                    422, 42203, "Invalid compatibility level '" + level + "'. Valid values are " + LEVELS);
        }
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("magic", 0);
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        String value =
                JSON.createObjectNode().put("compatibilityLevel", normalized).toString();
        log.append(key.toString(), value);
        apply(key.toString(), value);
        return normalized;
    }

    private List<String> incompatibilities(String subject, Schema candidate, List<Version> versions) {
        String level = compatibility(subject);
        if (versions.isEmpty() || level.equals("NONE")) {
            return List.of();
        }
        List<Version> against = level.endsWith("_TRANSITIVE") ? versions : List.of(versions.get(versions.size() - 1));
        boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
        boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
        List<String> problems = new ArrayList<>();
        for (Version old : against) {
            Schema previous = parse(old.schema());
            if (backward) {
                describe(
                        SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous),
                        old,
                        "read data written by",
                        problems);
            }
            if (forward) {
                describe(
                        SchemaCompatibility.checkReaderWriterCompatibility(previous, candidate),
                        old,
                        "be read by",
                        problems);
            }
        }
        return problems;
    }

    private static void describe(
            SchemaCompatibility.SchemaPairCompatibility result, Version old, String relation, List<String> problems) {
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            for (SchemaCompatibility.Incompatibility incompatibility :
                    result.getResult().getIncompatibilities()) {
                problems.add("{new schema cannot " + relation + " version " + old.version() + ": "
                        + incompatibility.getType() + " at " + incompatibility.getLocation() + ": "
                        + incompatibility.getMessage() + "}");
            }
        }
    }

    static Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw new SchemaRegistryException(
                    422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    private static String canonical(String schemaText) {
        return parse(schemaText).toString();
    }

    private static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException(
                404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("Not a JSON registry record: " + text, e);
        }
    }
}
