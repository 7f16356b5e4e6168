package io.lr0.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lr0.app.Lr0Config;
import io.lr0.local.ClusterNode;
import io.lr0.local.EmbeddedKafka;
import io.lr0.local.LocalStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lr0 broker --nodes 3 --node-id N}, three times: the nodes find each other from the base ports alone, node 1
 * serves the registry, and lr0's topics and the registry's {@code _schemas} get three replicas with two in sync
 * required.
 */
class LocalClusterIT {
    @TempDir
    Path dataDir;

    @Test
    void threeNodesReplicateEveryTopicThreeTimes() throws Exception {
        int[] bases = EmbeddedKafka.freeClusterPorts(3);
        int kafkaBase = bases[0];
        LocalStackOptions options = new LocalStackOptions();
        options.dataDir = dataDir;
        options.kafkaPort = kafkaBase;
        options.controllerPort = bases[1];
        options.registryPort = 0;
        Lr0Config settings = Lr0Config.of(Map.of());
        // Each node waits for the others: started together, as three processes would be.
        ExecutorService threads = Executors.newFixedThreadPool(3);
        List<CompletableFuture<LocalStack>> starting = new ArrayList<>();
        for (int node = 1; node <= 3; node++) {
            ClusterNode id = new ClusterNode(node, 3);
            starting.add(CompletableFuture.supplyAsync(() -> options.startNode(settings, id), threads));
        }
        List<LocalStack> nodes = new ArrayList<>();
        try {
            for (CompletableFuture<LocalStack> node : starting) {
                nodes.add(node.get(3, TimeUnit.MINUTES));
            }
            assertNotNull(nodes.get(0).registryUrl(), "node 1 serves the registry");
            assertNull(nodes.get(1).registryUrl());
            String bootstrap = nodes.get(2).bootstrapServers();
            assertEquals(
                    "127.0.0.1:" + kafkaBase + ",127.0.0.1:" + (kafkaBase + 1) + ",127.0.0.1:" + (kafkaBase + 2),
                    bootstrap);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                List<String> topics = List.of("images", "predictions", "_schemas");
                Map<String, TopicDescription> described =
                        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
                for (String topic : topics) {
                    described
                            .get(topic)
                            .partitions()
                            .forEach(partition ->
                                    assertEquals(3, partition.replicas().size(), topic + "-" + partition.partition()));
                }
                Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                                new ConfigResource(ConfigResource.Type.TOPIC, "images"),
                                new ConfigResource(ConfigResource.Type.TOPIC, "_schemas")))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                configs.forEach((topic, config) ->
                        assertEquals("2", config.get("min.insync.replicas").value(), topic.name()));
            }
        } finally {
            // Together, as a script stops them: no node may wait for a quorum the others took away.
            CompletableFuture.allOf(nodes.stream()
                            .map(node -> CompletableFuture.runAsync(node::close, threads))
                            .toArray(CompletableFuture[]::new))
                    .get(3, TimeUnit.MINUTES);
            threads.shutdown();
        }
    }
}
