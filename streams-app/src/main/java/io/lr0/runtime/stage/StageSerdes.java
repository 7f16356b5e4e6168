package io.lr0.runtime.stage;

import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.AvroSerializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.registry.SchemaRegistryClient;
import io.lr0.runtime.meters.OperationalMetrics;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Avro value serdes for the pipeline's topics, all sharing one registry client (one schema cache). */
public final class StageSerdes implements AutoCloseable {
    private final SchemaRegistryClient client;
    private final RegistryConfig registryConfig;
    private final OperationalMetrics meters;

    private StageSerdes(SchemaRegistryClient client, RegistryConfig registryConfig, OperationalMetrics meters) {
        this.client = client;
        this.registryConfig = registryConfig;
        this.meters = meters;
    }

    /**
     * Serdes over the registry that {@code registrySettings} name ({@code schema.registry.url} and the rest),
     * timed on {@code meters} ({@link OperationalMetrics#none()} for a tool that only reads topics).
     */
    public static StageSerdes from(Map<String, Object> registrySettings, OperationalMetrics meters) {
        RegistryConfig registryConfig = specificReader(registrySettings);
        return new StageSerdes(new RestSchemaRegistryClient(registryConfig), registryConfig, meters);
    }

    /** Serdes over {@code client}, an in-process registry for tests that need serdes but no HTTP server. */
    public static StageSerdes over(
            SchemaRegistryClient client, Map<String, Object> registrySettings, OperationalMetrics meters) {
        return new StageSerdes(client, specificReader(registrySettings), meters);
    }

    private static RegistryConfig specificReader(Map<String, Object> registrySettings) {
        Map<String, Object> serdeConfig = new HashMap<>(registrySettings);
        // The topology works on the generated classes.
        serdeConfig.put(RegistryConfig.SPECIFIC_AVRO_READER, "true");
        return RegistryConfig.from(serdeConfig);
    }

    /**
     * Serde for {@code type} as a topic's value, timed as the serialize/deserialize stages. It reads {@code type}
     * alone: a record of another writer schema (another of lr0's records, or a stranger's) is refused when read,
     * as a dead letter, instead of reaching a processor as the wrong class.
     */
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        Serializer<T> serializer = new AvroSerializer<>(client, registryConfig, false);
        Deserializer<T> deserializer = AvroDeserializer.of(client, type);
        Timer serializeTime = meters.stageTimer("serialize");
        Timer deserializeTime = meters.stageTimer("deserialize");
        return Serdes.serdeFrom(
                (topic, value) -> {
                    long start = System.nanoTime();
                    byte[] bytes = serializer.serialize(topic, value);
                    serializeTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return bytes;
                },
                (topic, bytes) -> {
                    long start = System.nanoTime();
                    T value = deserializer.deserialize(topic, bytes);
                    deserializeTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return value;
                });
    }

    /**
     * A value serde that writes and reads as on {@code topic}, whatever topic it is used on: a record held and
     * dead-lettered later keeps the bytes (and registry subject) it has on its source topic, so it replays there.
     */
    public <T extends SpecificRecord> Serde<T> valueAsOn(String topic, Class<T> type) {
        Serde<T> serde = value(type);
        Serializer<T> serializer = serde.serializer();
        Deserializer<T> deserializer = serde.deserializer();
        return Serdes.serdeFrom(
                (ignored, value) -> serializer.serialize(topic, value),
                (ignored, bytes) -> deserializer.deserialize(topic, bytes));
    }

    @Override
    public void close() {
        client.close();
    }
}
