package io.lr0.runtime.records;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro records (specific or generic) as plain JSON, for the query API and {@code lr0 consume}: timestamps as epoch
 * milliseconds, unions unwrapped, bytes as base64 (the API) or as their size (the console, where an image's bytes
 * would bury everything else).
 */
public final class AvroJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** How bytes and fixed values are written. */
    public enum Bytes {
        BASE64,
        SIZE
    }

    private AvroJson() {}

    public static ArrayNode array(Collection<? extends IndexedRecord> records) {
        ArrayNode array = NODES.arrayNode();
        records.forEach(record -> array.add(toJson(record, Bytes.BASE64)));
        return array;
    }

    public static JsonNode toJson(Object value, Bytes bytes) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof IndexedRecord record) {
            ObjectNode object = NODES.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                object.set(field.name(), toJson(record.get(field.pos()), bytes));
            }
            return object;
        }
        if (value instanceof Instant instant) {
            return NODES.numberNode(instant.toEpochMilli());
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] raw = new byte[buffer.remaining()];
            buffer.duplicate().get(raw);
            return bytes(raw, bytes);
        }
        if (value instanceof GenericFixed fixed) {
            return bytes(fixed.bytes(), bytes);
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = NODES.arrayNode();
            items.forEach(item -> array.add(toJson(item, bytes)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((key, item) -> object.set(key.toString(), toJson(item, bytes)));
            return object;
        }
        if (value instanceof GenericEnumSymbol<?> || value instanceof Enum<?> || value instanceof CharSequence) {
            return NODES.textNode(value.toString());
        }
        return MAPPER.valueToTree(value);
    }

    private static JsonNode bytes(byte[] raw, Bytes bytes) {
        return bytes == Bytes.SIZE
                ? NODES.textNode(raw.length + " bytes")
                : NODES.textNode(Base64.getEncoder().encodeToString(raw));
    }
}
