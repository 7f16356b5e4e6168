package io.lr0.registry;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro binary body.
 * Kept byte-identical to {@code KafkaAvroSerializer} so Confluent clients read our topics and we read theirs.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 1 + Integer.BYTES;

    private WireFormat() {}

    /** The 5-byte header that precedes the Avro body of a record written with {@code schemaId}. */
    public static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC_BYTE).putInt(schemaId).array();
    }

    /**
     * Reads and checks the header of a framed payload; the buffer is left positioned on the Avro body.
     *
     * @throws AvroDecodingException naming what is wrong, when the payload is not in this format
     */
    public static int readSchemaId(ByteBuffer payload) {
        if (payload.remaining() < HEADER_SIZE) {
            throw new AvroDecodingException(
                    AvroDecodingException.Reason.NOT_WIRE_FORMAT,
                    "Not in Confluent wire " + "format: payload of " + payload.remaining()
                            + " bytes is shorter than the 5-byte header",
                    null);
        }
        byte magic = payload.get();
        if (magic != MAGIC_BYTE) {
            throw new AvroDecodingException(
                    AvroDecodingException.Reason.NOT_WIRE_FORMAT,
                    String.format(
                            "Unknown magic byte 0x%02x (expected 0x00): the record was not written with a schema-registry "
                                    + "serializer",
                            magic),
                    null);
        }
        return payload.getInt();
    }
}
