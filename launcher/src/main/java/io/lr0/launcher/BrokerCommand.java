package io.lr0.launcher;

import io.lr0.app.Lr0Config;
import io.lr0.cli.ConfigOptions;
import io.lr0.lifecycle.Shutdown;
import io.lr0.local.ClusterNode;
import io.lr0.local.LocalStack;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lr0 broker}: the embedded Kafka broker and schema registry alone, for running the parts separately; with
 * {@code --nodes}, one node of a local multi-node cluster per process, so each can be killed on its own.
 */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Start the embedded single-node KRaft broker and schema registry and keep them up; or, with "
                + "--nodes 3 --node-id N, node N of a three-node cluster (node n on --kafka-port + n - 1 and "
                + "--controller-port + n - 1, every node started with the same base ports; node 1 also serves the "
                + "schema registry). Topics then get 3 replicas and min.insync.replicas 2.")
final class BrokerCommand implements Callable<Integer> {
    @Mixin
    LocalStackOptions local;

    @Mixin
    ConfigOptions config;

    @Option(
            names = "--nodes",
            defaultValue = "1",
            description = "Nodes of the cluster, each a combined broker and controller in its own process (default: "
                    + "${DEFAULT-VALUE}: a single broker as before).")
    int nodes;

    @Option(
            names = "--node-id",
            defaultValue = "1",
            description = "Which node of --nodes this process is, 1..nodes (default: ${DEFAULT-VALUE}); its data "
                    + "goes under --data-dir/node-N.")
    int nodeId;

    @Override
    public Integer call() throws Exception {
        ClusterNode node = new ClusterNode(nodeId, nodes);
        Lr0Config settings = config.load(Map.of());
        try (LocalStack stack = node.count() == 1 ? local.start(settings) : local.startNode(settings, node)) {
            System.err.printf(
                    "%s at %s%s; Ctrl-C to stop.%n",
                    node.count() == 1
                            ? "Kafka"
                            : "Kafka node " + node.id() + " of " + node.count() + " up; the cluster",
                    stack.bootstrapServers(),
                    stack.registryUrl() != null ? ", schema registry at " + stack.registryUrl() : "");
            Shutdown.await();
        }
        return 0;
    }
}
