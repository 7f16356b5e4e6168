package io.lr0.app;

import io.lr0.registry.AvroSerde;
import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Avro value serdes for the pipeline's topics, all sharing one registry client (one schema cache). */
public final class Lr0Serdes implements AutoCloseable {
    private final SchemaRegistryClient client;
    private final RegistryConfig registryConfig;

    private Lr0Serdes(SchemaRegistryClient client, RegistryConfig registryConfig) {
        this.client = client;
        this.registryConfig = registryConfig;
    }

    public static Lr0Serdes from(Lr0Config config) {
        Map<String, Object> serdeConfig = new HashMap<>(config.serdeConfig());
        // The topology works on the generated classes.
        serdeConfig.put(RegistryConfig.SPECIFIC_AVRO_READER, "true");
        RegistryConfig registryConfig = RegistryConfig.from(serdeConfig);
        return new Lr0Serdes(new RestSchemaRegistryClient(registryConfig), registryConfig);
    }

    /** Serde for a generated record type used as a topic's value. */
    public <T extends SpecificRecord> AvroSerde<T> value() {
        return new AvroSerde<>(client, registryConfig, false);
    }

    @Override
    public void close() {
        client.close();
    }
}
