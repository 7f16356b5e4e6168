package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.contract.TopicSetup;
import io.lr0.contract.Topics;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.AvroSerializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.Prediction;
import io.lr0.testing.Consume;
import io.lr0.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No record jams its partition: records within every documented input limit whose outputs would have been larger
 * than the producer or broker accepts are dead-lettered with the reason, and good images after each are classified.
 */
class OversizeRecordsIT {
    private static final String DATASET = "fashion-mnist";
    /** Fashion-MNIST's resolutions (7, 10, 14, 21 px) and the native variant, each classified once (bicubic). */
    private static final int PREDICTIONS_PER_IMAGE = 5;

    @Test
    void recordsWhoseOutputsWouldBeTooLargeAreDeadLetteredAndTheStreamGoesOn(@TempDir Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir, 0, 0, 0);
                Lr0App app = Lr0App.start(settings(stack, dir))) {
            Map<String, ImageRecord> bad = new LinkedHashMap<>();
            // 360 KB: each prediction would repeat it three times (key, image id, variant key): over 1 MB.
            bad.put("long-id", image("x".repeat(360_000), "T-shirt/top", Map.of()));
            bad.put("long-label", image("long-label", "y".repeat(300_000), Map.of()));
            bad.put(
                    "large-attributes",
                    image(
                            "large-attributes",
                            "T-shirt/top",
                            Map.of("a", "z".repeat(150_000), "b", "z".repeat(150_000))));
            Map<String, String> reasons = produceEachFollowedByAGoodImage(stack, bad);

            assertEquals(
                    Map.of("long-id", "FIELD_LIMIT", "long-label", "FIELD_LIMIT", "large-attributes", "FIELD_LIMIT"),
                    reasons);
        }
    }

    @Test
    void anImageAtTheByteLimitIsClassified(@TempDir Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir, 0, 0, 0);
                Lr0App app = Lr0App.start(settings(stack, dir))) {
            // image.max.bytes (1,000,000 by default) exactly: its native variant carries it all, and must fit.
            ImageRecord atTheLimit =
                    TestImages.record("at-the-limit", DATASET, TestImages.raw(TestImages.gray(1000, 1000)), "Bag");
            Map<String, String> reasons = produceEachFollowedByAGoodImage(stack, Map.of("at-the-limit", atTheLimit));

            assertEquals(Map.of(), reasons, "nothing dead-lettered");
            assertEquals(PREDICTIONS_PER_IMAGE, predictionsOf(stack, "at-the-limit"));
        }
    }

    @Test
    void anInputAsLargeAsTheBrokerTakesIsDeadLetteredWhole(@TempDir Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir, 0, 0, 0)) {
            // A dead-letter topic created before lr0 sized them, with the broker's default limit (about 1 MiB).
            Map<String, Object> clients = Map.of("bootstrap.servers", stack.bootstrapServers());
            TopicSetup.ensure(clients, List.of(TopicSetup.topic("images-dlq", 4)));
            try (Lr0App app = Lr0App.start(settings(stack, dir))) {
                // Over image.max.bytes, within the broker's limit for images: its dead letter, the whole record and
                // the headers, is over 1 MiB, so lr0 raised the dead-letter topic's limit and its producers'.
                ImageRecord large = TestImages.record(
                        "over-the-byte-limit",
                        DATASET,
                        TestImages.rawWithSize(ImageEncoding.GRAY8, 1048, 1000, 1048 * 1000),
                        "Bag");
                Map<String, String> reasons =
                        produceEachFollowedByAGoodImage(stack, Map.of("over-the-byte-limit", large));

                assertEquals(Map.of("over-the-byte-limit", "BYTE_LIMIT"), reasons);
                assertEquals(
                        (long) Topics.DEAD_LETTER_MAX_MESSAGE_BYTES,
                        TopicSetup.maxMessageBytes(clients, List.of("images-dlq"))
                                .get("images-dlq"));
            }
        }
    }

    @Test
    void aVariantTopicThatCannotTakeTheLargestVariantStopsTheStartWithWhatToChange(@TempDir Path dir) {
        try (LocalStack stack = LocalStack.start(dir, 0, 0, 0)) {
            // Created before lr0 with a smaller limit than the largest native variant, as an operator might.
            TopicSetup.ensure(
                    Map.of("bootstrap.servers", stack.bootstrapServers()),
                    List.of(TopicSetup.topic("image-variants", 4)
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "200000"))));
            String message = assertThrows(IllegalStateException.class, () -> Lr0App.start(settings(stack, dir)))
                    .getMessage();
            assertTrue(
                    message.contains("image-variants accepts records of at most 200000 bytes")
                            && message.contains("image.max.bytes=1000000"),
                    message);
        }
    }

    private static Lr0Config settings(LocalStack stack, Path dir) {
        return Lr0Config.of(Map.of(
                Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                Lr0Config.STATE_DIR, dir.resolve("streams").toString(),
                Lr0Config.DASHBOARD_PORT, "0"));
    }

    private static ImageRecord image(String id, String label, Map<String, String> attributes) {
        ImageRecord record = TestImages.record(id, DATASET, TestImages.raw(TestImages.gray(28, 28)), label);
        record.setAttributes(attributes);
        return record;
    }

    /**
     * Publishes the label space, then each record under its key followed by a good image; waits until every good
     * image is classified and returns the dead-letter reasons by key.
     */
    private static Map<String, String> produceEachFollowedByAGoodImage(
            LocalStack stack, Map<String, ImageRecord> records) throws Exception {
        Map<String, Object> serde = Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        try (ImagePublisher publisher = new ImagePublisher(
                Map.of("bootstrap.servers", stack.bootstrapServers()), serde, "images", "datasets")) {
            DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "oversize-it", 1, 0, null);
        }
        AvroSerializer<ImageRecord> serializer = new AvroSerializer<>();
        serializer.configure(serde, false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers(), "max.request.size", "2000000"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Map.Entry<String, ImageRecord> record : records.entrySet()) {
                producer.send(new ProducerRecord<>(
                                "images", bytes(record.getKey()), serializer.serialize("images", record.getValue())))
                        .get();
                String good = "good-after-" + record.getKey();
                producer.send(new ProducerRecord<>(
                                "images",
                                bytes(good),
                                serializer.serialize(
                                        "images",
                                        TestImages.record(
                                                good, DATASET, TestImages.raw(TestImages.gray(28, 28)), null))))
                        .get();
            }
        }
        for (String key : records.keySet()) {
            assertEquals(PREDICTIONS_PER_IMAGE, predictionsOf(stack, "good-after-" + key), "the stream went on");
        }
        List<ConsumerRecord<byte[], byte[]>> deadLetters = Consume.until(
                stack.bootstrapServers(),
                DeadLetterHeaders.topicFor("images"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                read -> false,
                Duration.ofSeconds(3));
        return deadLetters.stream()
                .collect(Collectors.toMap(
                        deadLetter -> new String(deadLetter.key(), StandardCharsets.UTF_8),
                        deadLetter -> new String(
                                deadLetter
                                        .headers()
                                        .lastHeader(DeadLetterHeaders.REASON)
                                        .value(),
                                StandardCharsets.UTF_8),
                        (a, b) -> a + "," + b,
                        TreeMap::new));
    }

    /** The predictions of image {@code imageId}, once they stop coming (within a minute). */
    private static long predictionsOf(LocalStack stack, String imageId) {
        AvroDeserializer<Prediction> reader = Consume.specificReader(stack.registryUrl());
        return Consume.until(
                        stack.bootstrapServers(),
                        "predictions",
                        new StringDeserializer(),
                        reader,
                        read -> read.stream()
                                        .filter(p -> p.value().getImageId().equals(imageId))
                                        .count()
                                >= PREDICTIONS_PER_IMAGE,
                        Duration.ofSeconds(60))
                .stream()
                .filter(p -> p.value().getImageId().equals(imageId))
                .count();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
