package io.lr0.launcher;

import io.lr0.app.Lr0Config;
import io.lr0.contract.TopicSetup;
import io.lr0.local.ClusterNode;
import io.lr0.local.LocalStack;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** Where the embedded broker and registry keep their data and listen (port 0: any free port). */
final class LocalStackOptions {
    @Option(
            names = "--data-dir",
            defaultValue = "data",
            description = "Broker and state data (default: ${DEFAULT-VALUE}); a restart resumes on it.")
    Path dataDir;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Embedded broker port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--controller-port",
            defaultValue = "9093",
            description = "Embedded KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(
            names = "--registry-port",
            defaultValue = "8081",
            description = "Embedded schema registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    /**
     * Starts the stack, the registry protected as {@code settings} say (embedded.registry.*), and creates lr0's
     * topics with the configured partitions (topic.partitions), so any producer can write before an app runs.
     */
    LocalStack start(Lr0Config settings) {
        return withTopics(
                LocalStack.start(dataDir, kafkaPort, controllerPort, registryPort, settings.embeddedRegistrySecurity()),
                settings);
    }

    /**
     * Starts node {@code node} of a local cluster on these options' base ports; the first node, which serves the
     * registry, also creates lr0's topics (with the cluster's replication unless the settings name their own).
     */
    LocalStack startNode(Lr0Config settings, ClusterNode node) {
        LocalStack stack = LocalStack.startNode(
                dataDir, node, kafkaPort, controllerPort, registryPort, settings.embeddedRegistrySecurity());
        return node.id() == 1 ? withTopics(stack, settings) : stack;
    }

    private static LocalStack withTopics(LocalStack stack, Lr0Config settings) {
        try {
            TopicSetup.ensure(
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                    settings.topics().specs(settings.topicLayout()));
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }
}
