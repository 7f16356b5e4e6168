package io.lr0.local;

import io.lr0.contract.TopicSetup;
import io.lr0.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The registry's log on a compacted single-partition topic, as Confluent's registry keeps {@code _schemas}. */
final class KafkaSchemaLog implements SchemaStore.Log, AutoCloseable {
    static final String TOPIC = "_schemas";

    private final Map<String, Object> clientConfig;
    private final KafkaProducer<String, String> producer;

    private KafkaSchemaLog(Map<String, Object> clientConfig, KafkaProducer<String, String> producer) {
        this.clientConfig = clientConfig;
        this.producer = producer;
    }

    /** Creates the topic if needed and opens it for writing. */
    static KafkaSchemaLog open(Map<String, Object> clientConfig) {
        TopicSetup.ensure(clientConfig, List.of(TopicSetup.compacted(TOPIC, 1)));
        Properties producerProps = new Properties();
        producerProps.putAll(clientConfig);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaSchemaLog(clientConfig, new KafkaProducer<>(producerProps));
    }

    /** Reads the whole topic, oldest first, into {@code store}. */
    void replay(SchemaStore.Log.Replay store) {
        Properties consumerProps = new Properties();
        consumerProps.putAll(clientConfig);
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    store.apply(record.key(), record.value());
                }
            }
        }
    }

    @Override
    public void append(String key, String value) {
        try {
            // Synchronous: a schema id is handed out only once it is durable.
            producer.send(new ProducerRecord<>(TOPIC, 0, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing to " + TOPIC, e);
        } catch (ExecutionException e) {
            throw new SchemaRegistryException(
                    500,
                    SchemaRegistryException.STORE_ERROR,
                    "Error while writing to the schema store topic " + TOPIC + ": " + e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
