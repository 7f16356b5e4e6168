package io.lr0.testing;

import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.RegistryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads a topic from the beginning with read_committed, the way a downstream consumer sees it. */
public final class Consume {
    private Consume() {}

    /** A deserializer of lr0's Avro records into their generated classes, through the registry at {@code registryUrl}. */
    public static <T> AvroDeserializer<T> specificReader(String registryUrl) {
        AvroDeserializer<T> reader = new AvroDeserializer<>();
        reader.configure(
                Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, registryUrl, RegistryConfig.SPECIFIC_AVRO_READER, "true"),
                false);
        return reader;
    }

    /**
     * Waits until consumer group {@code groupId} has committed every record of {@code topic} (under exactly-once:
     * everything it wrote from them is committed too), then reads {@code outputTopic} from the beginning to its end
     * offsets: all there is, with no record that arrives late left out.
     */
    public static <K, V> List<ConsumerRecord<K, V>> allAfter(
            String bootstrapServers,
            String groupId,
            String topic,
            String outputTopic,
            Deserializer<K> keys,
            Deserializer<V> values,
            Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata()
                        .get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .forEach(info -> latest.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                        admin.listOffsets(latest).all().get();
                if (ends.entrySet().stream()
                        .allMatch(end -> end.getValue().offset() == 0
                                || committed.containsKey(end.getKey())
                                        && committed.get(end.getKey()).offset()
                                                >= end.getValue().offset())) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(groupId + " did not commit all of " + topic + " within " + timeout
                            + ": committed " + committed + ", ends " + ends);
                }
                Thread.sleep(200);
            }
        }
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = fromBeginning(bootstrapServers, outputTopic, keys, values)) {
            List<TopicPartition> partitions = List.copyOf(consumer.assignment());
            // For a read_committed consumer the end offsets are the last stable offsets.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + outputTopic + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Reads until {@code done} holds for everything read so far, or {@code timeout} passes. */
    public static <K, V> List<ConsumerRecord<K, V>> until(
            String bootstrapServers,
            String topic,
            Deserializer<K> keys,
            Deserializer<V> values,
            Predicate<List<ConsumerRecord<K, V>>> done,
            Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = fromBeginning(bootstrapServers, topic, keys, values)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** A read_committed consumer of every partition of {@code topic}, at its beginning. */
    private static <K, V> KafkaConsumer<K, V> fromBeginning(
            String bootstrapServers, String topic, Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
