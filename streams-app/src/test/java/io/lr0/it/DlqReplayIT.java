package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.cli.Lr0;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.dlq.DeadLetterReplay;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.testing.AppConfig;
import io.lr0.testing.Consume;
import io.lr0.testing.HostileAvro;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lr0 dlq replay} on the real broker: images refused under a too-low pixel limit are dead-lettered, the
 * limit is raised, the replay sends exactly those back, and every one of them then gets its predictions, once.
 */
class DlqReplayIT {
    private static final int IMAGES = 20;
    private static final int PREDICTIONS_PER_IMAGE = 5;

    @Test
    void fixedCauseThenReplayGivesEveryImageItsPredictionsOnce(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            // 28x28 = 784 pixels > 100: every image is refused.
            try (Lr0App app = Lr0App.start(config(stack, dataDir, "100"))) {
                try (ImagePublisher publisher = new ImagePublisher(
                        Map.of("bootstrap.servers", stack.bootstrapServers()),
                        Map.of("schema.registry.url", stack.registryUrl()),
                        "images",
                        "datasets")) {
                    DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "replay-it", IMAGES, 0, null);
                }
                try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
                        Map.of("bootstrap.servers", stack.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    raw.send(new ProducerRecord<>("images", bytes("junk"), bytes("not an image record")))
                            .get();
                }
                assertEquals(IMAGES + 1, deadLetters(stack, IMAGES + 1).size());
            }

            List<DeadLetterReplay.DeadLetter> listed = new ArrayList<>();
            new DeadLetterReplay(Map.of("bootstrap.servers", stack.bootstrapServers())).list("images-dlq", listed::add);
            assertEquals(
                    Map.of("PIXEL_LIMIT", (long) IMAGES, "NOT_WIRE_FORMAT", 1L),
                    listed.stream()
                            .collect(
                                    Collectors.groupingBy(DeadLetterReplay.DeadLetter::reason, Collectors.counting())));

            try (Lr0App app = Lr0App.start(config(stack, dataDir, "40000000"))) {
                String dryRun = lr0(stack, "dlq", "replay", "--reason", "PIXEL_LIMIT", "--dry-run");
                assertTrue(dryRun.contains("would replay " + IMAGES + " records"), dryRun);
                String replay = lr0(stack, "dlq", "replay", "--reason", "PIXEL_LIMIT");
                assertTrue(
                        replay.contains("replayed " + IMAGES + " records") && replay.contains("1 read and left out"),
                        replay);
                String again = lr0(stack, "dlq", "replay", "--reason", "PIXEL_LIMIT");
                assertTrue(
                        again.contains("replayed 0 records"),
                        "a second replay starts where the first stopped: " + again);

                List<ConsumerRecord<String, byte[]>> predictions = Consume.until(
                        stack.bootstrapServers(),
                        "predictions",
                        new StringDeserializer(),
                        new ByteArrayDeserializer(),
                        read -> read.size() >= IMAGES * PREDICTIONS_PER_IMAGE,
                        Duration.ofSeconds(90));
                Map<String, Long> copies =
                        predictions.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
                assertEquals(IMAGES * PREDICTIONS_PER_IMAGE, copies.size(), "every replayed image is classified");
                assertTrue(copies.values().stream().allMatch(n -> n == 1), "once");
                assertEquals(
                        IMAGES + 1,
                        deadLetters(stack, IMAGES + 1).size(),
                        "replayed images are not dead-lettered again");
            }
        }
    }

    /**
     * Two, then three replays of the same 30 dead letters at once: each dead letter reaches its source topic once
     * (before, two runs both read position 0, both said "replayed 30", and the topic got 60), and the replays that
     * were taken over say so.
     */
    @Test
    void concurrentReplaysSendEveryDeadLetterOnce(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Map<String, Object> clients = Map.of("bootstrap.servers", stack.bootstrapServers());
            for (int runs : new int[] {2, 3}) {
                String source = "concurrent-" + runs;
                String dlq = DeadLetterHeaders.topicFor(source);
                try (Admin admin = Admin.create(clients)) {
                    admin.createTopics(List.of(new NewTopic(source, 1, (short) 1), new NewTopic(dlq, 2, (short) 1)))
                            .all()
                            .get();
                }
                try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(clients, new ByteArraySerializer(), new ByteArraySerializer())) {
                    for (int i = 0; i < 30; i++) {
                        ProducerRecord<byte[], byte[]> deadLetter =
                                new ProducerRecord<>(dlq, bytes("dead-" + i), bytes("value-" + i));
                        deadLetter.headers().add(DeadLetterHeaders.SOURCE_TOPIC, bytes(source));
                        deadLetter.headers().add(DeadLetterHeaders.REASON, bytes("PIXEL_LIMIT"));
                        producer.send(deadLetter).get();
                    }
                }
                ExecutorService pool = Executors.newFixedThreadPool(runs);
                CyclicBarrier together = new CyclicBarrier(runs);
                List<Future<DeadLetterReplay.Outcome>> outcomes = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    outcomes.add(pool.submit(() -> {
                        together.await();
                        try {
                            return new DeadLetterReplay(clients)
                                    .replay(dlq, "concurrent-replay", letter -> true, null, false, false);
                        } catch (DeadLetterReplay.TakenOver e) {
                            return null;
                        }
                    }));
                }
                int reported = 0;
                int takenOver = 0;
                for (Future<DeadLetterReplay.Outcome> outcome : outcomes) {
                    DeadLetterReplay.Outcome done = outcome.get(60, TimeUnit.SECONDS);
                    if (done == null) {
                        takenOver++;
                    } else {
                        reported += done.replayed();
                    }
                }
                pool.shutdown();
                List<ConsumerRecord<byte[], byte[]>> replayed = Consume.until(
                        stack.bootstrapServers(),
                        source,
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer(),
                        read -> read.size() > 30,
                        Duration.ofSeconds(5));
                Map<String, Long> copies = replayed.stream()
                        .collect(Collectors.groupingBy(
                                r -> new String(r.key(), StandardCharsets.UTF_8), Collectors.counting()));
                System.out.printf(
                        "DlqReplayIT: %d concurrent replays: %d records on %s, %d taken over%n",
                        runs, replayed.size(), source, takenOver);
                assertEquals(30, copies.size(), runs + " runs: every dead letter replayed");
                assertEquals(30, replayed.size(), runs + " runs: each once, " + copies);
                assertEquals(30, reported, runs + " runs: the runs that finished report what they sent, together");
                assertTrue(takenOver < runs, "one replay at least finished");
            }
        }
    }

    /**
     * {@code lr0 dlq list} shows what records hold escaped: a newline in a key used to forge a whole dead-letter
     * line, and ANSI and terminal-title escapes reached the terminal. A dead letter whose value nests a recursive
     * record 200,000 levels deep (what once stopped every reader of lr0) is listed like any other.
     */
    @Test
    void listEscapesKeysAndHeaders(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Map<String, Object> clients = Map.of("bootstrap.servers", stack.bootstrapServers());
            try (Admin admin = Admin.create(clients)) {
                admin.createTopics(List.of(new NewTopic("hostile-dlq", 1, (short) 1)))
                        .all()
                        .get();
            }
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(clients, new ByteArraySerializer(), new ByteArraySerializer())) {
                ProducerRecord<byte[], byte[]> deadLetter = new ProducerRecord<>(
                        "hostile-dlq",
                        bytes("k\n0/99\tforged\tPIXEL_LIMIT\timages@1\tlooks real\u001b]0;owned\u0007\u001b[2J"),
                        bytes("v"));
                deadLetter.headers().add(DeadLetterHeaders.REASON, bytes("PIXEL_LIMIT\n0/98\tforged"));
                deadLetter.headers().add(DeadLetterHeaders.MESSAGE, bytes("m\u001b[31m"));
                producer.send(deadLetter).get();
                producer.send(new ProducerRecord<>(
                                "hostile-dlq", bytes("nested"), HostileAvro.deeplyNestedRecord(stack.registryUrl())))
                        .get();
            }
            String listed = lr0(stack, "dlq", "list", "--topic", "hostile-dlq");
            assertEquals(2, listed.lines().count(), "one line per dead letter: " + listed);
            assertTrue(listed.lines().skip(1).findFirst().orElseThrow().contains("nested"), listed);
            assertTrue(listed.chars().noneMatch(c -> c == 0x1b || c == 0x07), "no escape reaches the terminal");
            assertTrue(listed.contains("k\\n0/99\\tforged"), listed);
        }
    }

    private static Lr0Config config(LocalStack stack, Path dataDir, String maxPixels) {
        return AppConfig.on(stack, dataDir.resolve("streams"), Lr0Config.IMAGE_MAX_PIXELS, maxPixels);
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(LocalStack stack, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> read = Consume.until(
                stack.bootstrapServers(),
                DeadLetterHeaders.topicFor("images"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                records -> records.size() >= atLeast,
                Duration.ofSeconds(60));
        // Anything beyond the expected count would be a duplicate: read a little longer to see it.
        return Consume.until(
                stack.bootstrapServers(),
                DeadLetterHeaders.topicFor("images"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                records -> records.size() > read.size(),
                Duration.ofSeconds(2));
    }

    /** Runs an lr0 command in this JVM and returns what it printed. */
    private static String lr0(LocalStack stack, String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of(
                "--set",
                "bootstrap.servers=" + stack.bootstrapServers(),
                "--set",
                "schema.registry.url=" + stack.registryUrl()));
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Lr0.commandLine().execute(command.toArray(String[]::new)), String.join(" ", args));
        } finally {
            System.setOut(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
