package io.lr0.cli;

import io.lr0.app.Lr0Config;
import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command that talks to a running cluster names it, the same on every such command: {@code
 * --bootstrap-servers} and {@code --schema-registry-url} over the properties file and the environment, {@code --set}
 * over them; the defaults are {@link Lr0Config}'s. {@link #loadReachable} fails within {@link #CONNECT_TIMEOUT} when no
 * broker answers, naming the address it tried and how to name another.
 */
public final class ClusterOptions {
    /** How long a command waits for the broker to answer before it says so. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @Mixin
    public ConfigOptions config;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (default: bootstrap.servers, 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            paramLabel = "URL[,...]",
            description = "Schema registry URL (default: schema.registry.url, http://127.0.0.1:8081).")
    String registryUrl;

    /** The configuration: file, environment, these flags, then {@code --set}. */
    public Lr0Config load() {
        return load(Map.of());
    }

    /** {@link #load} with a command's own named settings (e.g. {@code --topic}) beside these flags. */
    Lr0Config load(Map<String, String> commandFlags) {
        Map<String, String> named = new LinkedHashMap<>(commandFlags);
        if (bootstrapServers != null) {
            named.put(Lr0Config.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (registryUrl != null) {
            named.put(Lr0Config.SCHEMA_REGISTRY_URL, registryUrl);
        }
        return config.load(named);
    }

    /** {@link #load}, once a broker of the cluster has answered; else a clear failure within seconds. */
    public Lr0Config loadReachable() {
        Lr0Config settings = load();
        checkBrokerAnswers(settings);
        return settings;
    }

    /**
     * Throws, naming the URL and the ways to name another, when the schema registry does not answer; for commands
     * that write records (reading ones meet an unreachable registry per record, and say so there).
     */
    static void checkRegistryAnswers(Lr0Config settings) {
        try (RestSchemaRegistryClient registry =
                new RestSchemaRegistryClient(RegistryConfig.from(settings.serdeConfig()))) {
            registry.subjects();
        } catch (SchemaRegistryException e) {
            throw new IllegalStateException("no schema registry answered at " + settings.schemaRegistryUrl() + " ("
                    + e.getMessage() + "). Start lr0's local one with ./lr0 broker, or name yours with "
                    + "--schema-registry-url URL (or schema.registry.url in lr0.properties, or "
                    + "LR0_SCHEMA_REGISTRY_URL).");
        }
    }

    /** Throws, naming the address and the ways to name another, when no broker answers within the timeout. */
    static void checkBrokerAnswers(Lr0Config settings) {
        Map<String, Object> client = new LinkedHashMap<>(settings.kafkaClientConfig());
        int timeoutMs = (int) CONNECT_TIMEOUT.toMillis();
        client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        String why;
        try (Admin admin = Admin.create(client)) {
            admin.describeCluster().clusterId().get(CONNECT_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return;
        } catch (ExecutionException e) {
            why = e.getCause() == null ? e.toString() : e.getCause().getMessage();
        } catch (TimeoutException e) {
            why = "no answer";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        throw new IllegalStateException("no Kafka broker answered at " + settings.bootstrapServers() + " within "
                + CONNECT_TIMEOUT.toSeconds() + " s (" + why + "). Start lr0's local one with ./lr0 broker, or name "
                + "yours with --bootstrap-servers HOST:PORT (or bootstrap.servers in lr0.properties, or "
                + "LR0_BOOTSTRAP_SERVERS).");
    }
}
