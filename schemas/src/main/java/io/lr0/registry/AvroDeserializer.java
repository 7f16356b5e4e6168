package io.lr0.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format Avro. With {@code specific.avro.reader=true} a record whose writer schema names a
 * generated class is read into that class (resolving the writer's version to the class's schema, so older and newer
 * writers both decode); otherwise into a GenericRecord with the writer's schema.
 */
public class AvroDeserializer<T> implements Deserializer<T> {
    private SchemaRegistryClient client;
    private boolean specific;
    private final Map<Integer, DatumReader<Object>> readersBySchemaId = new ConcurrentHashMap<>();

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public AvroDeserializer() {}

    public AvroDeserializer(SchemaRegistryClient client, RegistryConfig config) {
        this.client = client;
        this.specific = config.specificAvroReader();
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        RegistryConfig config = RegistryConfig.from(configs);
        this.client = new RestSchemaRegistryClient(config);
        this.specific = config.specificAvroReader();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        int schemaId = WireFormat.readSchemaId(buffer);
        DatumReader<Object> reader = readerFor(topic, schemaId);
        BinaryDecoder decoder;
        Object value;
        try {
            decoder = DecoderFactory.get().binaryDecoder(payload, buffer.position(), buffer.remaining(), null);
            value = reader.read(null, decoder);
        } catch (Exception e) {
            throw new AvroDecodingException(
                    AvroDecodingException.Reason.AVRO_DECODE,
                    "Avro decoding failed for a " + "record on topic '" + topic + "' with schema id " + schemaId + ": "
                            + e,
                    e);
        }
        if (!isEnd(decoder)) {
            // The body decoded, but something follows it: not what a serializer writes, so not to be trusted.
            throw new AvroDecodingException(
                    AvroDecodingException.Reason.AVRO_DECODE,
                    "Avro decoding left bytes unread after the record on topic '" + topic + "' with schema id "
                            + schemaId + ": a record is the body alone",
                    null);
        }
        return (T) value;
    }

    private static boolean isEnd(BinaryDecoder decoder) {
        try {
            return decoder.isEnd();
        } catch (IOException e) {
            return false;
        }
    }

    private DatumReader<Object> readerFor(String topic, int schemaId) {
        return readersBySchemaId.computeIfAbsent(schemaId, id -> {
            Schema writer;
            try {
                writer = client.schemaById(id);
            } catch (SchemaRegistryException.NotFound e) {
                throw new AvroDecodingException(
                        AvroDecodingException.Reason.UNKNOWN_SCHEMA_ID,
                        "Unknown schema id " + id + " in a record on topic '" + topic + "': " + e.getMessage(),
                        e);
            } catch (SchemaRegistryException e) {
                // Not the record's fault (registry down, auth): fail rather than dead-letter a good record.
                throw new SerializationException(
                        "Cannot fetch schema id " + id + " for topic '" + topic + "': " + e.getMessage(), e);
            }
            if (specific) {
                Class<?> generated = SpecificData.get().getClass(writer);
                if (generated != null) {
                    return new SpecificDatumReader<>(writer, SpecificData.get().getSchema(generated));
                }
            }
            return new GenericDatumReader<>(writer, writer, GenericData.get());
        });
    }

    @Override
    public void close() {
        client.close();
    }
}
