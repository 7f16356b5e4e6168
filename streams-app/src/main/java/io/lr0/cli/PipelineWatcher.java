package io.lr0.cli;

import io.lr0.app.Lr0Config;
import io.lr0.dlq.DeadLetters;
import io.lr0.producers.ProgressBar;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.schema.ImageVariant;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows what the pipeline writes from a point in time on: variants per resolution, and images dead-lettered.
 * An image is complete when its native variant is read: the degrade step writes all of an image's variants in one
 * transaction, native last, and this reads committed data only.
 */
final class PipelineWatcher implements AutoCloseable {
    private final KafkaConsumer<String, ImageVariant> variants;
    private final KafkaConsumer<byte[], byte[]> deadLetters;
    private final Set<String> completedImages = new HashSet<>();
    private final Map<String, String> deadLetterReasons = new HashMap<>();
    private final Map<String, Long> variantsByResolution = new TreeMap<>();
    private final Map<String, String> sizeByResolution = new HashMap<>();

    private PipelineWatcher(KafkaConsumer<String, ImageVariant> variants, KafkaConsumer<byte[], byte[]> deadLetters) {
        this.variants = variants;
        this.deadLetters = deadLetters;
    }

    /** Starts following at the current end of the variants and dead-letter topics. */
    static PipelineWatcher fromNow(Lr0Config config) {
        Map<String, Object> consumerConfig = new HashMap<>(config.kafkaClientConfig());
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> serdeConfig = new HashMap<>(config.serdeConfig());
        serdeConfig.put(RegistryConfig.SPECIFIC_AVRO_READER, "true");
        AvroDeserializer<ImageVariant> valueDeserializer = new AvroDeserializer<>();
        valueDeserializer.configure(serdeConfig, false);
        KafkaConsumer<String, ImageVariant> variants = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                valueDeserializer);
        KafkaConsumer<byte[], byte[]> deadLetters = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        atEnd(variants, config.variantsTopic());
        atEnd(deadLetters, DeadLetters.topicFor(config.imagesTopic()));
        return new PipelineWatcher(variants, deadLetters);
    }

    private static void atEnd(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Reads until {@code expectedImages} images are complete or dead-lettered, or {@code timeout} passes. */
    Summary awaitImages(long expectedImages, Duration timeout, ProgressBar progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done() < expectedImages && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, ImageVariant> record : variants.poll(Duration.ofMillis(100))) {
                ImageVariant variant = record.value();
                String resolution = variant.getResolution() == null ? "native" : variant.getResolution().toString();
                variantsByResolution.merge(resolution, 1L, Long::sum);
                sizeByResolution.putIfAbsent(resolution, variant.getImage().getWidth() == null
                        ? variant.getNativeWidth() + "x" + variant.getNativeHeight()
                        : variant.getImage().getWidth() + "x" + variant.getImage().getHeight());
                if (variant.getResolution() == null) {
                    completedImages.add(variant.getImageId());
                }
            }
            for (ConsumerRecord<byte[], byte[]> record : deadLetters.poll(Duration.ofMillis(10))) {
                String key = record.key() == null ? "offset " + record.offset() : new String(record.key(), StandardCharsets.UTF_8);
                var reason = record.headers().lastHeader(DeadLetters.REASON);
                deadLetterReasons.put(key, reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8));
            }
            progress.update(done());
        }
        progress.finish(done());
        return new Summary(Map.copyOf(variantsByResolution), Map.copyOf(sizeByResolution), completedImages.size(),
                Map.copyOf(deadLetterReasons));
    }

    private long done() {
        return completedImages.size() + deadLetterReasons.size();
    }

    @Override
    public void close() {
        variants.close();
        deadLetters.close();
    }

    /** What went through: variant counts per resolution, complete and dead-lettered images. */
    record Summary(Map<String, Long> variantsByResolution, Map<String, String> sizeByResolution, long completeImages,
                   Map<String, String> deadLetterReasons) {

        boolean complete(long expectedImages) {
            return deadLetterReasons.isEmpty() && completeImages >= expectedImages;
        }

        String table() {
            StringBuilder out = new StringBuilder(String.format("%-10s %10s  %s%n", "resolution", "variants",
                    "example size"));
            variantsByResolution.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(order(a), order(b))))
                    .forEach(e -> out.append(String.format("%-10s %10d  %s%n", e.getKey(), e.getValue(),
                            sizeByResolution.get(e.getKey()))));
            out.append(String.format("%d images complete, %d dead-lettered%s", completeImages,
                    deadLetterReasons.size(), deadLetterReasons.isEmpty() ? "" : " " + deadLetterReasons.values()));
            return out.toString();
        }

        private static int order(String resolution) {
            return resolution.equals("native") ? Integer.MAX_VALUE : Integer.parseInt(resolution);
        }
    }
}
