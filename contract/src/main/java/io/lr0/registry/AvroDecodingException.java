package io.lr0.registry;

import org.apache.kafka.common.errors.SerializationException;

/** A record that cannot be decoded, whatever the registry's state: it belongs in a dead-letter topic. */
public class AvroDecodingException extends SerializationException {

    /** Why decoding failed; the names are the values of the DLQ reason header. */
    public enum Reason {
        /** The payload is not magic byte + schema id + body (not written by a registry-aware serializer). */
        NOT_WIRE_FORMAT,
        /** The schema id is not known to the registry. */
        UNKNOWN_SCHEMA_ID,
        /**
         * The writer schema's records could nest or allocate without bound (recursive, too deep, array items that
         * take no bytes): refused before decoding.
         */
        UNSAFE_SCHEMA,
        /** The writer schema does not resolve to the type read on the topic (another record, or an incompatible one). */
        INCOMPATIBLE_SCHEMA,
        /** The body does not decode with the writer schema. */
        AVRO_DECODE
    }

    private final Reason reason;

    public AvroDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
