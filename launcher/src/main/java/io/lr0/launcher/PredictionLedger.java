package io.lr0.launcher;

import io.lr0.contract.Keys;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.runtime.records.TopicReader;
import io.lr0.schema.Prediction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows the predictions topic from its beginning (read_committed: only what the pipeline committed) in a thread
 * of its own and keeps the books an exactly-once check needs: copies per variant key, variants per image and when
 * an image had all of them, predictions per metric cell.
 */
final class PredictionLedger implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<Prediction> reader = new AvroDeserializer<>();
    private final String topic;
    private final int variantsPerImage;
    private final Thread thread;
    private final Map<String, Integer> copies = new HashMap<>();
    /** The variant keys read per image (first copies only): complete at variantsPerImage. */
    private final Map<String, List<String>> keysOf = new HashMap<>();
    /** When each image's last variant became readable (epoch ms). */
    private final Map<String, Long> completedAt = new HashMap<>();
    /** Predictions per metric cell ({@link Keys#metric}), copies included: what the metrics stage counts. */
    private final Map<String, Long> perCell = new TreeMap<>();

    private long duplicates;
    private volatile RuntimeException failure;

    PredictionLedger(Map<String, Object> kafkaClientConfig, String registryUrl, String topic, int variantsPerImage) {
        this.topic = topic;
        this.variantsPerImage = variantsPerImage;
        this.consumer = TopicReader.consumer(kafkaClientConfig, null);
        reader.configure(
                Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, registryUrl, RegistryConfig.SPECIFIC_AVRO_READER, "true"),
                false);
        List<TopicPartition> partitions = TopicReader.partitions(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::follow, "faults-prediction-ledger");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    add(
                            record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8),
                            reader.deserialize(topic, record.value()));
                }
            }
        } catch (WakeupException | InterruptException e) {
            // Closed.
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private synchronized void add(String key, Prediction prediction) {
        long now = System.currentTimeMillis();
        int copy = copies.merge(key, 1, Integer::sum);
        perCell.merge(
                Keys.metric(
                        prediction.getModel().toString(),
                        prediction.getDataset().toString(),
                        prediction.getResolution(),
                        prediction.getSrMethod().toString()),
                1L,
                Long::sum);
        if (copy > 1) {
            duplicates++;
            return;
        }
        String image = prediction.getImageId().toString();
        List<String> keys = keysOf.computeIfAbsent(image, id -> new ArrayList<>());
        keys.add(key);
        if (keys.size() == variantsPerImage) {
            completedAt.put(image, now);
        }
    }

    /** When {@code image} had all its variants' predictions readable, or null. */
    synchronized Long completedAt(String image) {
        check();
        return completedAt.get(image);
    }

    /** The variant keys of {@code image} whose predictions were read. */
    synchronized List<String> variantsOf(String image) {
        check();
        return List.copyOf(keysOf.getOrDefault(image, List.of()));
    }

    /** Predictions read beyond the first of their variant key. */
    synchronized long duplicates() {
        check();
        return duplicates;
    }

    /** Predictions read per metric cell, keyed as the cumulative metrics are ({@link Keys#metric}). */
    synchronized Map<String, Long> perCell() {
        check();
        return new TreeMap<>(perCell);
    }

    /** Predictions read in all, copies included. */
    synchronized long predictions() {
        check();
        return perCell.values().stream().mapToLong(Long::longValue).sum();
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("reading " + topic + " failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
    }
}
