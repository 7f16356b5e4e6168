package io.lr0.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in Confluent's wire format, under the subject the configured {@link SubjectNameStrategy} names
 * ({@code <topic>-key} or {@code <topic>-value} by default). Behaves like {@code KafkaAvroSerializer} for the keys in
 * {@link RegistryConfig}.
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {
    private SchemaRegistryClient client;
    private RegistryConfig config;
    private boolean isKey;
    /**
     * Per-record work is a map lookup: the schema id per (subject, schema), the subject's latest schema (kept for
     * the serializer's life, as Confluent's default latest.cache.ttl.sec=-1 does), and one datum writer per schema.
     */
    private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();

    private final Map<String, RegisteredSchema> latestBySubject = new ConcurrentHashMap<>();
    private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {}

    private record WriterKey(Schema schema, boolean specific) {}

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public AvroSerializer() {}

    public AvroSerializer(SchemaRegistryClient client, RegistryConfig config, boolean isKey) {
        this.client = client;
        this.config = config;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = RegistryConfig.from(configs);
        this.client = new RestSchemaRegistryClient(config);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema ownSchema = record.getSchema();
        String subject = (isKey ? config.keySubjectNameStrategy() : config.valueSubjectNameStrategy())
                .subject(topic, isKey, ownSchema);
        try {
            if (config.useLatestVersion()) {
                RegisteredSchema latest = latestBySubject.computeIfAbsent(subject, client::latest);
                Object converted =
                        ownSchema.equals(latest.schema()) ? record : convert(record, ownSchema, latest.schema());
                return frame(latest.id(), latest.schema(), converted);
            }
            int id = ids.computeIfAbsent(
                    new SubjectSchema(subject, ownSchema),
                    key -> config.autoRegisterSchemas()
                            ? client.register(subject, ownSchema)
                            : client.lookup(subject, ownSchema).id());
            return frame(id, ownSchema, record);
        } catch (SchemaRegistryException e) {
            throw new SerializationException(
                    "Cannot serialize " + ownSchema.getFullName() + " for subject '" + subject + "': " + e.getMessage(),
                    e);
        }
    }

    private byte[] frame(int schemaId, Schema writerSchema, Object datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(WireFormat.header(schemaId));
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writers.computeIfAbsent(
                            new WriterKey(writerSchema, datum instanceof SpecificRecord),
                            key -> writerFor(key.schema(), datum))
                    .write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Avro encoding failed for " + writerSchema.getFullName() + ": " + e, e);
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> writerFor(Schema schema, Object datum) {
        return datum instanceof SpecificRecord
                ? new SpecificDatumWriter<>(schema)
                : new GenericDatumWriter<>(schema, GenericData.get());
    }

    /** Re-reads the record with the subject's latest schema, so the bytes match the id they are framed with. */
    private static Object convert(Object record, Schema from, Schema to) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
            writerFor(from, record).write(record, encoder);
            return new GenericDatumReader<>(from, to, SpecificData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(buffer.toByteArray(), null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Record of " + from.getFullName() + " cannot be written with the subject's latest schema: "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
