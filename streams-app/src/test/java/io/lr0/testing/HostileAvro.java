package io.lr0.testing;

import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;

/** Avro records built to hurt their reader: what a buggy or hostile producer can send to any topic. */
public final class HostileAvro {
    private HostileAvro() {}

    /** A linked list of itself: legal Avro, and a body may nest as deep as its bytes go. */
    public static final Schema NODE = new Schema.Parser()
            .parse(
                    "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");

    /** An array of nulls: each item takes no bytes, so a few bytes declare billions of them. */
    public static final Schema NULLS = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Nulls\",\"fields\":[{\"name\":\"items\","
                    + "\"type\":{\"type\":\"array\",\"items\":\"null\"}}]}");

    /** A {@link #NODE} body {@code depth} levels deep: branch 1 (zig-zag 0x02) depth times, then null. */
    public static byte[] nestedNodes(int depth) {
        byte[] body = new byte[depth + 1];
        Arrays.fill(body, 0, depth, (byte) 0x02);
        return body;
    }

    /** A {@link #NULLS} body declaring {@code count} items in one block (zig-zag varint), then the end block. */
    public static byte[] manyNulls(long count) {
        ByteBuffer body = ByteBuffer.allocate(11);
        long zigzag = count << 1;
        while ((zigzag & ~0x7FL) != 0) {
            body.put((byte) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        body.put((byte) zigzag).put((byte) 0);
        return Arrays.copyOf(body.array(), body.position());
    }

    /** {@code body} in Confluent's wire format: magic byte 0, the schema id, the body. */
    public static byte[] wire(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length)
                .put((byte) 0)
                .putInt(schemaId)
                .put(body)
                .array();
    }

    /**
     * A whole record, as a producer would send it: {@link #NODE} registered on the registry at {@code registryUrl}, a
     * body 200,000 levels deep (what once overflowed every reader's stack).
     */
    public static byte[] deeplyNestedRecord(String registryUrl) {
        try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(
                RegistryConfig.from(Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, registryUrl)))) {
            return wire(registry.register("nodes-value", NODE), nestedNodes(200_000));
        }
    }
}
