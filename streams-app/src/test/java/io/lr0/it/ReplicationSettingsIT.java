package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import io.lr0.testing.AppConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * topic.replication.factor and topic.min.insync.replicas reach the broker: on lr0's own topics and on Kafka Streams'
 * internal ones, as each topic's own settings (on this single-node broker 1 and 1, told from the broker's default
 * by where the value comes from).
 */
class ReplicationSettingsIT {
    @Test
    void lr0sTopicsAndKafkaStreamsInternalTopicsTakeTheConfiguredReplication(@TempDir Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir, 0, 0, 0);
                Lr0App app = Lr0App.start(AppConfig.on(
                        stack,
                        dir.resolve("streams"),
                        Lr0Config.TOPIC_REPLICATION_FACTOR,
                        "1",
                        Lr0Config.TOPIC_MIN_INSYNC_REPLICAS,
                        "1"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            List<String> internal = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith("lr0-streams-") && name.endsWith("-changelog"))
                    .toList();
            assertTrue(internal.contains("lr0-streams-estimates-changelog"), "changelogs: " + internal);
            for (String topic : List.of("images", "predictions", "datasets", "lr0-streams-estimates-changelog")) {
                Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .values()
                        .iterator()
                        .next();
                ConfigEntry minInsync = config.get("min.insync.replicas");
                assertEquals("1", minInsync.value(), topic);
                assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, minInsync.source(), topic + ": set on it");
                assertEquals(
                        1,
                        admin.describeTopics(List.of(topic))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .get(topic)
                                .partitions()
                                .get(0)
                                .replicas()
                                .size(),
                        topic);
            }
        }
    }
}
