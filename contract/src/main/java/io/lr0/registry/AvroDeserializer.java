package io.lr0.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format Avro. With {@code specific.avro.reader=true} a record whose writer schema names a
 * generated class is read into that class (resolving the writer's version to the class's schema, so older and newer
 * writers both decode); otherwise into a GenericRecord with the writer's schema. A deserializer made for one
 * generated type reads that type alone: a writer schema that does not resolve to it is refused.
 *
 * <p>Whatever a record holds, reading it throws nothing but exceptions: a writer schema whose records could nest
 * or allocate without bound is refused before any body is decoded ({@link BoundedSchemas}), and a stack overflow
 * that still happened would be this record's, turned into its {@link AvroDecodingException} (an Error would pass
 * every handler of Kafka's and kill the thread, which would then die on the same record again).
 */
public class AvroDeserializer<T> implements Deserializer<T> {
    private SchemaRegistryClient client;
    private boolean specific;
    /** The generated type every record must resolve to, or null for any record. */
    private Schema readerSchema;

    private final Map<Integer, Reading> readingsBySchemaId = new ConcurrentHashMap<>();

    /** How records of one writer schema are read: its reader, or why they are refused. */
    private record Reading(DatumReader<Object> reader, AvroDecodingException refusal) {}

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public AvroDeserializer() {}

    public AvroDeserializer(SchemaRegistryClient client, RegistryConfig config) {
        this.client = client;
        this.specific = config.specificAvroReader();
    }

    /** Reads records of {@code type} alone, into that class: a writer schema that does not resolve to it is refused. */
    public static <T extends SpecificRecord> AvroDeserializer<T> of(SchemaRegistryClient client, Class<T> type) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>();
        deserializer.client = client;
        deserializer.specific = true;
        deserializer.readerSchema = SpecificData.get().getSchema(type);
        return deserializer;
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
        Reading reading = readingsBySchemaId.computeIfAbsent(schemaId, id -> readingOf(topic, id));
        if (reading.refusal() != null) {
            throw reading.refusal();
        }
        BinaryDecoder decoder;
        Object value;
        try {
            decoder = DecoderFactory.get().binaryDecoder(payload, buffer.position(), buffer.remaining(), null);
            value = reading.reader().read(null, decoder);
        } catch (StackOverflowError e) {
            // Not expected past BoundedSchemas; should it happen, the stack is unwound and the record is to blame.
            throw new AvroDecodingException(
                    AvroDecodingException.Reason.AVRO_DECODE,
                    "Avro decoding overflowed the stack on a record on topic '" + topic + "' with schema id " + schemaId
                            + ": it nests too deep",
                    null);
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

    private Reading readingOf(String topic, int schemaId) {
        Schema writer;
        try {
            writer = client.schemaById(schemaId);
        } catch (SchemaRegistryException.NotFound e) {
            // Not cached: the id may be registered later.
            throw new AvroDecodingException(
                    AvroDecodingException.Reason.UNKNOWN_SCHEMA_ID,
                    "Unknown schema id " + schemaId + " in a record on topic '" + topic + "': " + e.getMessage(),
                    e);
        } catch (SchemaRegistryException e) {
            // Not the record's fault (registry down, auth): fail rather than dead-letter a good record.
            throw new SerializationException(
                    "Cannot fetch schema id " + schemaId + " for topic '" + topic + "': " + e.getMessage(), e);
        }
        String unbounded = BoundedSchemas.problem(writer).orElse(null);
        if (unbounded != null) {
            return refused(
                    AvroDecodingException.Reason.UNSAFE_SCHEMA,
                    "Writer schema id " + schemaId + " (" + writer.getFullName() + ") of a record on topic '" + topic
                            + "' is refused before decoding: " + unbounded);
        }
        if (readerSchema != null) {
            SchemaCompatibility.SchemaPairCompatibility resolution =
                    SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
            if (resolution.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                return refused(
                        AvroDecodingException.Reason.INCOMPATIBLE_SCHEMA,
                        "Writer schema id " + schemaId + " (" + writer.getFullName() + ") of a record on topic '"
                                + topic + "' does not resolve to " + readerSchema.getFullName()
                                + ", the type read there: "
                                + resolution.getResult().getIncompatibilities().stream()
                                        .map(i -> i.getType() + " at " + i.getLocation())
                                        .limit(3)
                                        .toList());
            }
            return new Reading(new SpecificDatumReader<>(writer, readerSchema), null);
        }
        if (specific) {
            Class<?> generated = SpecificData.get().getClass(writer);
            if (generated != null) {
                return new Reading(
                        new SpecificDatumReader<>(writer, SpecificData.get().getSchema(generated)), null);
            }
        }
        return new Reading(new GenericDatumReader<>(writer, writer, GenericData.get()), null);
    }

    private static Reading refused(AvroDecodingException.Reason reason, String message) {
        return new Reading(null, new AvroDecodingException(reason, message, null));
    }

    @Override
    public void close() {
        client.close();
    }
}
