package io.lr0.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lr0.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * The registry's state: subjects, versions (soft-deleted ones flagged), global ids, compatibility levels and modes.
 * Every change is first appended to a log (the compacted {@code _schemas} topic, in Confluent's record layout: a soft
 * delete rewrites the version with {@code "deleted": true}, a permanent delete is a tombstone) and then applied, and
 * the state is rebuilt by replaying that log, so ids and deletions survive restarts.
 */
final class SchemaStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Confluent's error codes beyond those lr0's client needs ({@link SchemaRegistryException}). */
    static final int SUBJECT_SOFT_DELETED = 40404;

    static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    static final int VERSION_SOFT_DELETED = 40406;
    static final int VERSION_NOT_SOFT_DELETED = 40407;
    static final int OPERATION_NOT_PERMITTED = 42205;

    /** Where changes are persisted before they are applied. */
    interface Log {
        void append(String key, String value);

        /** Receives the records of an existing log, oldest first. */
        interface Replay {
            void apply(String key, String value);
        }
    }

    record Version(String subject, int version, int id, String schema, boolean deleted) {}

    /**
     * The settings a subject may have of its own, else the global one, stored alike (Confluent's CONFIG and MODE
     * records of {@code _schemas}): the compatibility level and the mode.
     */
    enum Setting {
        COMPATIBILITY(
                "CONFIG",
                "compatibilityLevel",
                "compatibility",
                "compatibility level",
                List.of(
                        "NONE",
                        "BACKWARD",
                        "BACKWARD_TRANSITIVE",
                        "FORWARD",
                        "FORWARD_TRANSITIVE",
                        "FULL",
                        "FULL_TRANSITIVE"),
                "BACKWARD",
                "",
                40408,
                42203),
        /** IMPORT (registering under given ids) is not served. */
        MODE(
                "MODE",
                "mode",
                "mode",
                "mode",
                List.of("READWRITE", "READONLY", "READONLY_OVERRIDE"),
                "READWRITE",
                " (IMPORT, registering under given ids, is not supported by this registry)",
                40409,
                42204);

        final String keyType;
        /** The field of the stored record. */
        final String storedField;

        final String name;
        final String valueName;
        final List<String> values;
        /** The value where neither the subject nor the registry set one. */
        final String defaultValue;

        final String refusal;
        final int notConfigured;
        final int invalid;

        Setting(
                String keyType,
                String storedField,
                String name,
                String valueName,
                List<String> values,
                String defaultValue,
                String refusal,
                int notConfigured,
                int invalid) {
            this.keyType = keyType;
            this.storedField = storedField;
            this.name = name;
            this.valueName = valueName;
            this.values = values;
            this.defaultValue = defaultValue;
            this.refusal = refusal;
            this.notConfigured = notConfigured;
            this.invalid = invalid;
        }
    }

    /** The largest {@code _schemas} record (JSON) stored: under the broker's and producer's default 1 MiB. */
    static final int MAX_STORED_BYTES = 1_000_000;

    private final Log log;
    /** Every version not permanently deleted, soft-deleted ones flagged, by subject and version number. */
    private final Map<String, TreeMap<Integer, Version>> versionsBySubject = new TreeMap<>();

    private final Map<String, Integer> idsByCanonicalSchema = new HashMap<>();
    /** Each setting's subject-level values; its global one is under the key null. */
    private final Map<Setting, Map<String, String>> settings = new EnumMap<>(Setting.class);

    private int maxId;

    SchemaStore(Log log) {
        this.log = log;
        for (Setting setting : Setting.values()) {
            settings.put(setting, new HashMap<>());
        }
    }

    /** Applies one log record (key and value as the JSON Confluent's registry writes); unknown kinds are skipped. */
    synchronized void apply(String key, String value) {
        JsonNode keyJson = readJson(key);
        JsonNode valueJson = value == null ? null : readJson(value);
        String subject =
                keyJson.path("subject").isTextual() ? keyJson.path("subject").asText() : null;
        switch (keyJson.path("keytype").asText()) {
            case "SCHEMA" -> {
                if (valueJson == null) {
                    // A permanent delete: the version is gone (its id stays reserved for the same schema).
                    TreeMap<Integer, Version> versions = versionsBySubject.get(subject);
                    if (versions != null) {
                        versions.remove(keyJson.path("version").asInt());
                        if (versions.isEmpty()) {
                            versionsBySubject.remove(subject);
                        }
                    }
                    return;
                }
                String stored = valueJson.path("subject").asText();
                int id = valueJson.path("id").asInt();
                String schema = valueJson.path("schema").asText();
                int number = valueJson.path("version").asInt();
                versionsBySubject
                        .computeIfAbsent(stored, s -> new TreeMap<>())
                        .put(
                                number,
                                new Version(
                                        stored,
                                        number,
                                        id,
                                        schema,
                                        valueJson.path("deleted").asBoolean()));
                idsByCanonicalSchema.putIfAbsent(canonical(schema), id);
                maxId = Math.max(maxId, id);
            }
            case "CONFIG", "MODE" -> {
                Setting setting = keyJson.path("keytype").asText().equals(Setting.COMPATIBILITY.keyType)
                        ? Setting.COMPATIBILITY
                        : Setting.MODE;
                String stored = valueJson == null
                        ? null
                        : valueJson.path(setting.storedField).asText(null);
                if (stored == null) {
                    settings.get(setting).remove(subject);
                } else {
                    settings.get(setting).put(subject, stored);
                }
            }
            default -> {
                // NOOP and other record kinds of Confluent's registry carry nothing this store needs.
            }
        }
    }

    /**
     * Registers {@code schemaText} under {@code subject}; returns the existing live version when already there.
     * Numbers continue after soft-deleted versions, and a schema registered before gets its id again.
     */
    synchronized Version register(String subject, String schemaText) {
        requireWritable(subject);
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        List<Version> live = live(subject);
        for (Version existing : live) {
            if (canonical(existing.schema()).equals(canonical)) {
                return existing;
            }
        }
        List<String> problems = incompatibilities(subject, schema, live);
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException(
                    409,
                    SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\", details: " + problems);
        }
        int id = idsByCanonicalSchema.getOrDefault(canonical, maxId + 1);
        TreeMap<Integer, Version> all = versionsBySubject.get(subject);
        int version = all == null || all.isEmpty() ? 1 : all.lastKey() + 1;
        Version registered = new Version(subject, version, id, canonical, false);
        String stored = versionValue(registered);
        int size = stored.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_STORED_BYTES) {
            // Refused before storing: Kafka would refuse the _schemas record, and the client deserves a 4xx.
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_SCHEMA,
                    "Schema too large to store: " + size + " bytes as stored, over " + MAX_STORED_BYTES);
        }
        write(versionKey(subject, version), stored);
        return registered;
    }

    /** The schema of {@code id}, while any version (a soft-deleted one too) holds it: old records stay readable. */
    synchronized Optional<String> schemaById(int id) {
        return allVersions().filter(v -> v.id() == id).findFirst().map(Version::schema);
    }

    /** The versions holding schema {@code id}, soft-deleted ones included when asked. */
    synchronized List<Version> versionsById(int id, boolean includeDeleted) {
        if (schemaById(id).isEmpty()) {
            throw schemaNotFound(id);
        }
        return allVersions()
                .filter(v -> v.id() == id && (includeDeleted || !v.deleted()))
                .toList();
    }

    /** Subjects with a live version (or any version, {@code includeDeleted}) whose name starts with the prefix. */
    synchronized List<String> subjects(String prefix, boolean includeDeleted) {
        return versionsBySubject.entrySet().stream()
                .filter(entry -> entry.getKey().startsWith(prefix))
                .filter(entry ->
                        includeDeleted || entry.getValue().values().stream().anyMatch(v -> !v.deleted()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The versions of a subject; 40401 when it has none to show. */
    synchronized List<Version> versions(String subject, boolean includeDeleted) {
        List<Version> versions = includeDeleted ? all(subject) : live(subject);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions;
    }

    /** Every version of every subject whose name starts with {@code prefix} (GET /schemas). */
    synchronized List<Version> schemas(String prefix, boolean includeDeleted, boolean latestOnly) {
        List<Version> found = new ArrayList<>();
        for (String subject : subjects(prefix, includeDeleted)) {
            List<Version> versions = includeDeleted ? all(subject) : live(subject);
            found.addAll(latestOnly ? versions.subList(versions.size() - 1, versions.size()) : versions);
        }
        return found;
    }

    synchronized Version version(String subject, String version, boolean includeDeleted) {
        List<Version> versions = versions(subject, includeDeleted);
        if ("latest".equals(version) || "-1".equals(version)) {
            return versions.get(versions.size() - 1);
        }
        int number = versionNumber(version);
        return versions.stream()
                .filter(v -> v.version() == number)
                .findFirst()
                .orElseThrow(() -> versionNotFound(subject, number));
    }

    /** The version of {@code subject} holding this schema (POST /subjects/{subject}). */
    synchronized Version lookup(String subject, String schemaText, boolean includeDeleted) {
        String canonical = parse(schemaText).toString();
        return versions(subject, includeDeleted).stream()
                .filter(v -> canonical(v.schema()).equals(canonical))
                .findFirst()
                .orElseThrow(() ->
                        new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found"));
    }

    /**
     * DELETE /subjects/{subject}: soft-deletes every live version (and drops the subject's compatibility and mode),
     * or, {@code permanent}, removes versions soft-deleted before. Returns the version numbers deleted.
     */
    synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        requireWritable(subject);
        List<Version> all = all(subject);
        if (all.isEmpty()) {
            throw subjectNotFound(subject);
        }
        boolean anyLive = all.stream().anyMatch(v -> !v.deleted());
        if (!permanent && !anyLive) {
            throw new SchemaRegistryException(
                    404,
                    SUBJECT_SOFT_DELETED,
                    "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
        }
        if (permanent && anyLive) {
            throw new SchemaRegistryException(
                    404,
                    SUBJECT_NOT_SOFT_DELETED,
                    "Subject '" + subject + "' was not deleted first before being permanently deleted");
        }
        List<Integer> deleted = new ArrayList<>();
        for (Version version : all) {
            if (permanent) {
                write(versionKey(subject, version.version()), null);
            } else if (!version.deleted()) {
                write(versionKey(subject, version.version()), versionValue(softDeleted(version)));
            } else {
                continue;
            }
            deleted.add(version.version());
        }
        if (!permanent) {
            for (Setting setting : Setting.values()) {
                if (settings.get(setting).containsKey(subject)) {
                    write(settingKey(setting, subject), null);
                }
            }
        }
        return deleted;
    }

    /** DELETE /subjects/{subject}/versions/{version}: soft, or permanent after a soft delete. */
    synchronized int deleteVersion(String subject, String version, boolean permanent) {
        requireWritable(subject);
        Version found;
        if ("latest".equals(version) || "-1".equals(version)) {
            found = version(subject, version, permanent);
        } else {
            int number = versionNumber(version);
            if (all(subject).isEmpty()) {
                throw subjectNotFound(subject);
            }
            found = all(subject).stream()
                    .filter(v -> v.version() == number)
                    .findFirst()
                    .orElseThrow(() -> versionNotFound(subject, number));
        }
        if (!permanent && found.deleted()) {
            throw new SchemaRegistryException(
                    404,
                    VERSION_SOFT_DELETED,
                    "Subject '" + subject + "' Version " + found.version()
                            + " was soft deleted. Set permanent=true to delete permanently");
        }
        if (permanent && !found.deleted()) {
            throw new SchemaRegistryException(
                    404,
                    VERSION_NOT_SOFT_DELETED,
                    "Subject '" + subject + "' Version " + found.version()
                            + " was not deleted first before being permanently deleted");
        }
        write(versionKey(subject, found.version()), permanent ? null : versionValue(softDeleted(found)));
        return found.version();
    }

    /** Whether {@code schemaText} could be registered against version {@code version} (or all live, if null). */
    synchronized List<String> checkCompatibility(String subject, String version, String schemaText) {
        Schema candidate = parse(schemaText);
        if (version == null) {
            List<Version> live = versions(subject, false);
            return incompatibilities(subject, candidate, live, live);
        }
        Version against = version(subject, version, false);
        return incompatibilities(subject, candidate, List.of(against), List.of(against));
    }

    /**
     * The subject's value of {@code setting}; without one, the global value if {@code defaultToGlobal}, else 404
     * (40408 or 40409). A null subject asks for the global value.
     */
    synchronized String get(Setting setting, String subject, boolean defaultToGlobal) {
        String own = settings.get(setting).get(subject);
        if (own != null) {
            return own;
        }
        if (subject != null && !defaultToGlobal) {
            throw new SchemaRegistryException(
                    404,
                    setting.notConfigured,
                    "Subject '" + subject + "' does not have subject-level " + setting.name + " configured");
        }
        return settings.get(setting).getOrDefault(null, setting.defaultValue);
    }

    /** Sets the subject's (or, for a null subject, the global) value; 422 (42203, 42204) for an unknown one. */
    synchronized String set(Setting setting, String subject, String value) {
        String normalized = value == null ? "" : value.toUpperCase(Locale.ROOT);
        if (!setting.values.contains(normalized)) {
            throw new SchemaRegistryException(
                    422,
                    setting.invalid,
                    "Invalid " + setting.valueName + " '" + value + "'. Valid values are " + setting.values
                            + setting.refusal);
        }
        write(
                settingKey(setting, subject),
                JSON.createObjectNode().put(setting.storedField, normalized).toString());
        return normalized;
    }

    /** DELETE /config|mode[/{subject}]: the value that was set; the subject then follows the global one again. */
    synchronized String delete(Setting setting, String subject) {
        String previous = get(setting, subject, false);
        write(settingKey(setting, subject), null);
        return previous;
    }

    /** Registration and deletion are refused (42205) where the subject's mode, or else the global one, is read-only. */
    private void requireWritable(String subject) {
        String mode = get(Setting.MODE, subject, true);
        if (!mode.equals("READWRITE")) {
            throw new SchemaRegistryException(
                    422,
                    OPERATION_NOT_PERMITTED,
                    "Subject " + subject + " is in read-only mode (" + mode
                            + "): registering and deleting are refused");
        }
    }

    private List<String> incompatibilities(String subject, Schema candidate, List<Version> live) {
        return incompatibilities(subject, candidate, live, null);
    }

    /**
     * What keeps {@code candidate} from the subject's level against its live versions: the latest, or all of them for
     * a transitive level ({@code against} overrides which, for the compatibility test).
     */
    private List<String> incompatibilities(
            String subject, Schema candidate, List<Version> live, List<Version> against) {
        String level = get(Setting.COMPATIBILITY, subject, true);
        if (live.isEmpty() || level.equals("NONE")) {
            return List.of();
        }
        List<Version> checked =
                against != null ? against : level.endsWith("_TRANSITIVE") ? live : List.of(live.get(live.size() - 1));
        boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
        boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
        List<String> problems = new ArrayList<>();
        for (Version old : checked) {
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

    /** Appends to the log, then applies: the state never holds what the log does not. */
    private void write(String key, String value) {
        log.append(key, value);
        apply(key, value);
    }

    private List<Version> all(String subject) {
        return select(subject, v -> true);
    }

    private List<Version> live(String subject) {
        return select(subject, v -> !v.deleted());
    }

    private List<Version> select(String subject, Predicate<Version> which) {
        TreeMap<Integer, Version> versions = versionsBySubject.get(subject);
        return versions == null
                ? List.of()
                : versions.values().stream().filter(which).toList();
    }

    private Stream<Version> allVersions() {
        return versionsBySubject.values().stream().flatMap(versions -> versions.values().stream());
    }

    private static Version softDeleted(Version version) {
        return new Version(version.subject(), version.version(), version.id(), version.schema(), true);
    }

    private static String versionKey(String subject, int version) {
        return JSON.createObjectNode()
                .put("keytype", "SCHEMA")
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1)
                .toString();
    }

    private static String versionValue(Version version) {
        return JSON.createObjectNode()
                .put("subject", version.subject())
                .put("version", version.version())
                .put("id", version.id())
                .put("schema", version.schema())
                .put("deleted", version.deleted())
                .toString();
    }

    private static String settingKey(Setting setting, String subject) {
        ObjectNode key = JSON.createObjectNode().put("keytype", setting.keyType);
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        return key.put("magic", 0).toString();
    }

    private static int versionNumber(String version) {
        try {
            int number = Integer.parseInt(version);
            if (number < 1) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_VERSION,
                    "The specified version '" + version + "' is not a valid version id. Allowed values are between "
                            + "[1, 2^31-1] and the string \"latest\"");
        }
    }

    /**
     * {@code schemaText} parsed; whatever Avro refuses (a default of the wrong type, a fixed size of -1 or 2^31-1,
     * duplicate field names, a union holding a type twice or another union) is invalid, 422 as Confluent answers,
     * whichever exception Avro throws for it.
     */
    static Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
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

    private static SchemaRegistryException versionNotFound(String subject, int version) {
        return new SchemaRegistryException(
                404,
                SchemaRegistryException.VERSION_NOT_FOUND,
                "Version " + version + " not found for subject '" + subject + "'.");
    }

    private static SchemaRegistryException schemaNotFound(int id) {
        return new SchemaRegistryException(
                404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("Not a JSON registry record: " + text, e);
        }
    }
}
