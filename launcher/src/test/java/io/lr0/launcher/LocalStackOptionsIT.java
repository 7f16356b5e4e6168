package io.lr0.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lr0 broker} and {@code lr0 demo} come up with lr0's topics, so a producer can write before any app runs. */
class LocalStackOptionsIT {
    @TempDir
    Path dataDir;

    @Test
    void topicsExistAsSoonAsTheBrokerIsUp() throws Exception {
        LocalStackOptions options = new LocalStackOptions();
        options.dataDir = dataDir;
        Lr0Config settings = Lr0Config.of(Map.of(Lr0Config.TOPIC_PARTITIONS, "3"));
        try (LocalStack stack = options.start(settings);
                Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(settings.topics().specs(3).stream()
                            .map(spec -> spec.name())
                            .toList())
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertEquals(3, topics.get("images").partitions().size());
            assertEquals(3, topics.get("predictions").partitions().size());
            assertEquals(1, topics.get("datasets").partitions().size(), "label spaces: one partition");
            assertTrue(topics.containsKey("images-dlq"));
            // Auto-creation is off: without the topic this send would block for max.block.ms and fail.
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            stack.bootstrapServers(),
                            ProducerConfig.MAX_BLOCK_MS_CONFIG,
                            10_000),
                    new StringSerializer(),
                    new StringSerializer())) {
                assertEquals(
                        "images",
                        producer.send(new ProducerRecord<>("images", "first", "writer"))
                                .get(10, TimeUnit.SECONDS)
                                .topic());
            }
        }
    }
}
