package io.lr0.runtime.records;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic's committed records (read_committed) up to its end at the time of the call, for the commands that
 * show or replay what a topic holds rather than follow it.
 */
public final class TopicReader {
    private TopicReader() {}

    /** Every committed record of {@code topic}, from the beginning to the end at the time of the call. */
    public static void readAll(
            Map<String, Object> kafkaClientConfig, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafkaClientConfig, null)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            readToEnd(consumer, partitions, each);
        }
    }

    /** A read_committed consumer without auto-commit, in {@code group} (none when null), from the earliest offset. */
    public static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> kafkaClientConfig, String group) {
        Map<String, Object> config = new HashMap<>(kafkaClientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The partitions of {@code topic}; a topic that does not exist is named in the error. */
    public static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("Topic " + topic + " does not exist on the cluster");
        }
        return infos.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }

    /**
     * Hands every record from the consumer's positions up to the partitions' end offsets at the time of the call to
     * {@code each}; returns the positions reached.
     */
    public static Map<TopicPartition, OffsetAndMetadata> readToEnd(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, OffsetAndMetadata> readUpTo = new HashMap<>();
        Set<TopicPartition> pending = new HashSet<>(partitions);
        pending.removeIf(partition -> consumer.position(partition) >= end.get(partition));
        while (!pending.isEmpty()) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < end.get(partition)) {
                    each.accept(record);
                }
            }
            // Positions step over transaction markers and aborted records too, so compare positions, not offsets.
            for (TopicPartition partition : partitions) {
                long position = consumer.position(partition);
                if (position >= end.get(partition)) {
                    pending.remove(partition);
                }
                readUpTo.put(partition, new OffsetAndMetadata(Math.min(position, end.get(partition))));
            }
        }
        return readUpTo;
    }
}
