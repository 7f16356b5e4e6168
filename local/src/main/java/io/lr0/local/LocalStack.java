package io.lr0.local;

import io.lr0.http.HttpSecurity;
import java.nio.file.Path;
import java.util.Map;

/** The local default: an embedded KRaft broker plus the embedded schema registry persisting to it. */
public final class LocalStack implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;

    private LocalStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Starts both, with data under {@code dataDir/kafka}; a port of 0 picks a free one. */
    public static LocalStack start(Path dataDir, int kafkaPort, int controllerPort, int registryPort) {
        return start(dataDir, kafkaPort, controllerPort, registryPort, HttpSecurity.NONE);
    }

    /** The same, with the registry protected by {@code registrySecurity} (basic auth, TLS). */
    public static LocalStack start(
            Path dataDir, int kafkaPort, int controllerPort, int registryPort, HttpSecurity registrySecurity) {
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort, controllerPort);
        try {
            return new LocalStack(
                    kafka,
                    EmbeddedSchemaRegistry.start(
                            Map.of("bootstrap.servers", kafka.bootstrapServers()),
                            "127.0.0.1",
                            registryPort,
                            registrySecurity));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
