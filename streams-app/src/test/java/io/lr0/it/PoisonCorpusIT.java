package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.registry.AvroDeserializer;
import io.lr0.registry.AvroSerializer;
import io.lr0.registry.RegistryConfig;
import io.lr0.registry.RestSchemaRegistryClient;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import io.lr0.testing.Consume;
import io.lr0.testing.HostileAvro;
import io.lr0.testing.TestImages;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poison corpus (src/test/resources/poison, 48 bad inputs) through the real broker, registry and app, three
 * rounds: every input ends where corpus.tsv says (its dead-letter reason, or a counted warning), a good image after
 * each round is still classified (the app never stops), and the heap after the rounds is where it was after the first.
 */
class PoisonCorpusIT {
    private static final int ROUNDS = 3;
    private static final String DATASET = "fashion-mnist";
    /** The wrap of a body written with a schema file of the corpus: {@code schema:FILE}. */
    private static final String SCHEMA_WRAP = "schema:";

    record Poison(
            String name, String wrap, String encoding, Integer width, Integer height, String payload, String expected) {
        String key(int round) {
            return "poison-" + round + "-" + name.replaceAll("[^a-zA-Z0-9]+", "-");
        }
    }

    @Test
    void everyBadInputEndsWhereTheCorpusSaysAndTheAppKeepsRunning(@TempDir Path dataDir) throws Exception {
        List<Poison> corpus = corpus();
        assertTrue(corpus.size() >= 30, "at least 30 bad inputs");
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0);
                Lr0App app = Lr0App.start(Lr0Config.of(Map.of(
                        Lr0Config.BOOTSTRAP_SERVERS,
                        stack.bootstrapServers(),
                        Lr0Config.SCHEMA_REGISTRY_URL,
                        stack.registryUrl(),
                        Lr0Config.STATE_DIR,
                        dataDir.resolve("streams").toString(),
                        Lr0Config.IMAGE_MAX_BYTES,
                        "200000",
                        Lr0Config.DASHBOARD_PORT,
                        "0")))) {
            Map<String, Object> serde = Map.of(RegistryConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
            // Publishes the label space (and classifies a few good images) before any poison arrives.
            try (ImagePublisher publisher = new ImagePublisher(
                    Map.of("bootstrap.servers", stack.bootstrapServers()), serde, "images", "datasets")) {
                DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "poison-it", 3, 0, null);
            }
            int imageRecordId;
            try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryConfig.from(serde))) {
                imageRecordId = registry.register("images-value", ImageRecord.getClassSchema());
            }
            AvroSerializer<ImageRecord> serializer = new AvroSerializer<>();
            serializer.configure(serde, false);
            Map<String, Integer> schemaIds = new HashMap<>();
            try (RestSchemaRegistryClient registry = new RestSchemaRegistryClient(RegistryConfig.from(serde))) {
                for (Poison poison : corpus) {
                    if (poison.wrap().startsWith(SCHEMA_WRAP)) {
                        String file = poison.wrap().substring(SCHEMA_WRAP.length());
                        Schema schema = new Schema.Parser()
                                .parse(new String(TestImages.resource("/poison/" + file), StandardCharsets.UTF_8));
                        schemaIds.put(poison.wrap(), registry.register("poison-" + file + "-value", schema));
                    }
                }
            }

            long heapAfterFirstRound = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", stack.bootstrapServers()),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int round = 1; round <= ROUNDS; round++) {
                    for (Poison poison : corpus) {
                        producer.send(new ProducerRecord<>(
                                        "images",
                                        bytes(poison.key(round)),
                                        value(poison, poison.key(round), imageRecordId, schemaIds, serializer)))
                                .get();
                    }
                    String good = "good-after-round-" + round;
                    producer.send(new ProducerRecord<>(
                                    "images",
                                    bytes(good),
                                    serializer.serialize(
                                            "images", record(good, TestImages.raw(TestImages.gray(28, 28)), null))))
                            .get();
                    checkRound(stack, corpus, round, good);
                    if (round == 1) {
                        heapAfterFirstRound = usedHeapAfterGc();
                    }
                }
            }
            long heapAfterLastRound = usedHeapAfterGc();
            System.out.printf(
                    "PoisonCorpusIT: %d bad inputs x %d rounds; heap after GC %d MB after round 1, "
                            + "%d MB after round %d%n",
                    corpus.size(), ROUNDS, heapAfterFirstRound >> 20, heapAfterLastRound >> 20, ROUNDS);
            assertTrue(heapAfterLastRound - heapAfterFirstRound < 64L << 20, "heap stays bounded");
        }
    }

    private static void checkRound(LocalStack stack, List<Poison> corpus, int round, String good) {
        Map<String, String> expectedReasons = corpus.stream()
                .filter(p -> !Set.of("PREDICTED", "LABEL_OUTSIDE").contains(p.expected()))
                .collect(Collectors.toMap(p -> p.key(round), Poison::expected));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = Consume.until(
                stack.bootstrapServers(),
                DeadLetterHeaders.topicFor("images"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                read -> mine(read, expectedReasons.keySet()).size() >= expectedReasons.size(),
                Duration.ofSeconds(90));
        Map<String, String> actualReasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> deadLetter : mine(deadLetters, expectedReasons.keySet())) {
            String previous = actualReasons.put(text(deadLetter.key()), header(deadLetter, DeadLetterHeaders.REASON));
            assertNull(previous, "dead-lettered once: " + text(deadLetter.key()));
            assertTrue(header(deadLetter, DeadLetterHeaders.MESSAGE).length() > 10, "a message says what was wrong");
        }
        Map<String, String> wrong = new TreeMap<>();
        expectedReasons.forEach((key, reason) -> {
            if (!reason.equals(actualReasons.get(key))) {
                wrong.put(key, "expected " + reason + ", got " + actualReasons.get(key));
            }
        });
        assertEquals(Map.of(), wrong, "round " + round + ": inputs not dead-lettered as corpus.tsv says");

        Map<String, Poison> classified = corpus.stream()
                .filter(p -> Set.of("PREDICTED", "LABEL_OUTSIDE").contains(p.expected()))
                .collect(Collectors.toMap(p -> p.key(round) + "@native/bicubic", p -> p));
        String goodKey = good + "@native/bicubic";
        AvroDeserializer<Prediction> reader = Consume.specificReader(stack.registryUrl());
        Map<String, Prediction> predictions = new HashMap<>();
        Consume.until(
                stack.bootstrapServers(),
                "predictions",
                new StringDeserializer(),
                reader,
                read -> {
                    read.forEach(r -> predictions.put(r.key(), r.value()));
                    return predictions.keySet().containsAll(classified.keySet()) && predictions.containsKey(goodKey);
                },
                Duration.ofSeconds(90));
        assertTrue(predictions.containsKey(goodKey), "a good image after the poison is still classified");
        for (var entry : classified.entrySet()) {
            Prediction prediction = predictions.get(entry.getKey());
            assertTrue(prediction != null, "classified: " + entry.getValue().name());
            double sum = 0;
            for (LabelScore score : prediction.getTopK()) {
                assertTrue(Float.isFinite(score.getScore()), entry.getValue().name() + " has finite scores");
                sum += score.getScore();
            }
            assertTrue(sum > 0 && sum <= 1.0001, entry.getValue().name() + ": top-k scores are probabilities");
            if (entry.getValue().expected().equals("LABEL_OUTSIDE")) {
                assertEquals("spaceship", prediction.getLabel());
                assertNull(prediction.getCorrect(), "correctness unknown outside the label space");
            }
        }
    }

    private static byte[] value(
            Poison poison,
            String id,
            int imageRecordId,
            Map<String, Integer> schemaIds,
            AvroSerializer<ImageRecord> serializer) {
        byte[] payload = payload(poison.payload());
        if (poison.wrap().startsWith(SCHEMA_WRAP)) {
            return HostileAvro.wire(schemaIds.get(poison.wrap()), payload);
        }
        return switch (poison.wrap()) {
            case "image" ->
                serializer.serialize(
                        "images",
                        record(
                                id,
                                Image.newBuilder()
                                        .setEncoding(ImageEncoding.valueOf(poison.encoding()))
                                        .setWidth(poison.width())
                                        .setHeight(poison.height())
                                        .setData(ByteBuffer.wrap(payload))
                                        .build(),
                                null));
            case "label" ->
                serializer.serialize(
                        "images",
                        record(id, TestImages.encoded(ImageEncoding.valueOf(poison.encoding()), payload), "spaceship"));
            case "value" -> payload;
            case "avro-body" -> HostileAvro.wire(imageRecordId, payload);
            case "tombstone" -> null;
            default -> throw new IllegalArgumentException("corpus.tsv: unknown wrap " + poison.wrap());
        };
    }

    private static ImageRecord record(String id, Image image, String label) {
        return TestImages.record(id, DATASET, image, label);
    }

    private static byte[] payload(String payload) {
        if (payload.equals("-")) {
            return new byte[0];
        }
        String[] generated = payload.split(":", 2);
        switch (generated[0]) {
            case "zeros":
                return new byte[Integer.parseInt(generated[1])];
            case "nest":
                return HostileAvro.nestedNodes(Integer.parseInt(generated[1]));
            case "nulls":
                return HostileAvro.manyNulls(Long.parseLong(generated[1]));
            default:
                break;
        }
        return TestImages.resource("/poison/" + payload);
    }

    private static List<Poison> corpus() {
        List<Poison> corpus = new ArrayList<>();
        List<String> lines = new String(TestImages.resource("/poison/corpus.tsv"), StandardCharsets.UTF_8)
                .lines()
                .filter(line -> !line.startsWith("#") && !line.isBlank())
                .skip(1)
                .toList();
        for (String line : lines) {
            String[] cells = line.split("\t");
            corpus.add(
                    new Poison(cells[0], cells[1], cells[2], integer(cells[3]), integer(cells[4]), cells[5], cells[6]));
        }
        return corpus;
    }

    private static Integer integer(String cell) {
        return cell.equals("-") ? null : Integer.valueOf(cell);
    }

    private static List<ConsumerRecord<byte[], byte[]>> mine(
            List<ConsumerRecord<byte[], byte[]>> records, Set<String> keys) {
        return records.stream()
                .filter(r -> r.key() != null && keys.contains(text(r.key())))
                .toList();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : text(header.value());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
