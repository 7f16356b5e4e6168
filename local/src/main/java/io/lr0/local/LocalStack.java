package io.lr0.local;

import io.lr0.http.HttpSecurity;
import java.nio.file.Path;
import java.util.Map;

/**
 * The local default: an embedded KRaft broker plus the embedded schema registry persisting to it; or one node of a
 * local cluster, the first of which serves the registry.
 */
public final class LocalStack implements AutoCloseable {
    private final EmbeddedKafka kafka;
    /** Null on a cluster's nodes other than the first. */
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
        return withRegistry(
                EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPort, controllerPort),
                registryPort,
                registrySecurity);
    }

    /**
     * Node {@code node.id()} of a local cluster ({@link EmbeddedKafka#startNode}), its data under {@code
     * dataDir/node-N/kafka} so the nodes can share one data directory; node 1 also serves the registry on {@code
     * registryPort}, its {@code _schemas} topic replicated with the cluster's defaults.
     */
    public static LocalStack startNode(
            Path dataDir,
            ClusterNode node,
            int kafkaBase,
            int controllerBase,
            int registryPort,
            HttpSecurity registrySecurity) {
        EmbeddedKafka kafka = EmbeddedKafka.startNode(
                dataDir.resolve("node-" + node.id()).resolve("kafka"), node, kafkaBase, controllerBase);
        return node.id() == 1 ? withRegistry(kafka, registryPort, registrySecurity) : new LocalStack(kafka, null);
    }

    private static LocalStack withRegistry(EmbeddedKafka kafka, int registryPort, HttpSecurity registrySecurity) {
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

    /** The registry's URL, or null on a cluster's node that serves none. */
    public String registryUrl() {
        return registry == null ? null : registry.url();
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
        kafka.close();
    }
}
