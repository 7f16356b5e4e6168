package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.embedded.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.testing.Consume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of micro-batching: the app runs as a child JVM, is killed with SIGKILL while variants are parked
 * for their batch, and restarted; every variant must then have exactly one prediction (read_committed).
 */
class InferenceCrashIT {
    private static final int IMAGES = 200;
    private static final int VARIANTS_PER_IMAGE = 5;

    @Test
    void killedMidBatchEveryVariantGetsExactlyOnePrediction(@TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Path log = Path.of("target", "inference-crash-it.log");
            Process app = startApp(stack, dataDir, log);
            awaitTopic(stack, "predictions");
            try (ImagePublisher publisher = new ImagePublisher(Map.of("bootstrap.servers", stack.bootstrapServers()),
                    Map.of("schema.registry.url", stack.registryUrl()), "images", "datasets")) {
                DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "crash-it", IMAGES, 0, null);
            }
            // Partial batches wait up to 15 s: once full batches are out, the rest sit parked until the kill.
            List<ConsumerRecord<String, byte[]>> before = Consume.until(stack.bootstrapServers(), "predictions",
                    new StringDeserializer(), new ByteArrayDeserializer(), read -> read.size() >= 64,
                    Duration.ofSeconds(90));
            app.destroyForcibly().waitFor();
            int parkedAtKill = liveEntries(stack, "lr0-streams-inference-parked-changelog");
            assertTrue(before.size() < IMAGES * VARIANTS_PER_IMAGE, "killed before the end");
            assertTrue(parkedAtKill > 0, "variants were parked, mid-batch, when the app was killed");

            Process restarted = startApp(stack, dataDir, log);
            try {
                List<ConsumerRecord<String, byte[]>> all = Consume.until(stack.bootstrapServers(), "predictions",
                        new StringDeserializer(), new ByteArrayDeserializer(),
                        read -> read.size() >= IMAGES * VARIANTS_PER_IMAGE, Duration.ofSeconds(120));
                all = Consume.until(stack.bootstrapServers(), "predictions", new StringDeserializer(),
                        new ByteArrayDeserializer(), read -> false, Duration.ofSeconds(3));
                Map<String, Long> copies = all.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                        Collectors.counting()));
                System.out.printf("InferenceCrashIT: %d predictions before SIGKILL, %d variants parked at the kill, "
                        + "%d predictions after restart, %d distinct%n", before.size(), parkedAtKill, all.size(),
                        copies.size());
                assertEquals(IMAGES * VARIANTS_PER_IMAGE, copies.size(), "every variant has a prediction");
                assertTrue(copies.values().stream().allMatch(n -> n == 1), "and only one");
            } finally {
                restarted.destroy();
                restarted.waitFor();
            }
        }
    }

    private static Process startApp(LocalStack stack, Path dataDir, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.lr0.schema", "-Dai.djl.offline=true",
                "io.lr0.cli.Lr0", "run"));
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", stack.bootstrapServers(),
                "schema.registry.url", stack.registryUrl(),
                "state.dir", dataDir.resolve("streams").toString(),
                "topic.partitions", "2",
                "inference.batch.size", "64",
                "inference.batch.max.wait.ms", "15000",
                // A killed member leaves no goodbye: let the group notice within seconds, not the default 45.
                "kafka.session.timeout.ms", "6000",
                "kafka.heartbeat.interval.ms", "1500",
                "dashboard.port", "0"));
        settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("LR0_"));
        return builder.start();
    }

    private static void awaitTopic(LocalStack stack, String topic) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                stack.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!admin.listTopics().names().get().contains(topic)) {
                assertTrue(System.nanoTime() < deadline, topic + " was not created by the app");
                Thread.sleep(200);
            }
        }
    }

    /** Keys whose latest committed changelog record is not a tombstone: variants still parked. */
    private static int liveEntries(LocalStack stack, String changelog) {
        List<ConsumerRecord<String, byte[]>> records = Consume.until(stack.bootstrapServers(), changelog,
                new StringDeserializer(), new ByteArrayDeserializer(), read -> false, Duration.ofSeconds(3));
        Map<String, byte[]> latest = new HashMap<>();
        records.forEach(r -> latest.put(r.key(), r.value()));
        return (int) latest.values().stream().filter(v -> v != null).count();
    }
}
