package io.lr0.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The pipeline's topics as lr0 creates them: partitions, replicas, and each topic's own settings kept beside them. */
class TopicsTest {
    private static NewTopic named(List<NewTopic> topics, String name) {
        return topics.stream()
                .filter(topic -> topic.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aReplicatedLayoutKeepsEachTopicsOwnSettings() {
        List<NewTopic> topics = Topics.DEFAULTS.specs(new TopicLayout(6, 3, 2));
        for (NewTopic topic : topics) {
            assertEquals((short) 3, topic.replicationFactor(), topic.name());
            assertEquals("2", topic.configs().get("min.insync.replicas"), topic.name());
        }
        assertEquals(6, named(topics, "images").numPartitions());
        assertEquals(1, named(topics, "datasets").numPartitions(), "every instance reads the label spaces whole");
        assertEquals("compact", named(topics, "datasets").configs().get("cleanup.policy"));
        assertEquals(
                String.valueOf(Topics.DEAD_LETTER_MAX_MESSAGE_BYTES),
                named(topics, "images-dlq").configs().get("max.message.bytes"));
    }

    @Test
    void brokerDefaultsLeaveReplicationToTheBroker() {
        NewTopic images = named(Topics.DEFAULTS.specs(4), "images");
        assertEquals((short) -1, images.replicationFactor(), "none asked for: the broker's default");
        Map<String, String> configs = images.configs();
        assertFalse(configs != null && configs.containsKey("min.insync.replicas"));
        assertNull(named(Topics.DEFAULTS.specs(4), "predictions").configs());
    }

    @Test
    void anImpossibleLayoutIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TopicLayout(4, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new TopicLayout(4, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TopicLayout(0, 3, 2));
    }
}
