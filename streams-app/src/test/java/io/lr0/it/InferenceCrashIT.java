package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabeledImage;
import io.lr0.testing.AppProcess;
import io.lr0.testing.Consume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash safety of micro-batching: the app runs as a child JVM, is killed with SIGKILL while variants are parked
 * for their batch, and restarted; every variant must then have exactly one prediction (read_committed). Both with
 * inference reading image-variants and chained to the degradation in the images' own tasks.
 */
class InferenceCrashIT {
    private static final int IMAGES = 200;
    private static final int VARIANTS_PER_IMAGE = 5;

    @ParameterizedTest(name = "inference.chained={0}")
    @ValueSource(booleans = {false, true})
    void killedMidBatchEveryVariantGetsExactlyOnePrediction(boolean chained, @TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Path log = Path.of("target", "inference-crash-it.log");
            // A 10-minute wait, with variants that arrive behind (below): partial batches stay parked until the kill.
            Process app = startApp(stack, dataDir, log, 600_000, chained);
            AppProcess.awaitTopic(stack, "predictions");
            try (ImagePublisher publisher = new ImagePublisher(
                    Map.of("bootstrap.servers", stack.bootstrapServers()),
                    Map.of("schema.registry.url", stack.registryUrl()),
                    "images",
                    "datasets")) {
                // The label space first, its prompts encoded before the images come, so that they go straight to
                // the batches rather than waiting for it in the label-space gate.
                DatasetSource fashion = Datasets.defaultFashionMnist("test");
                publisher.publishDataset(fashion.labelSpace());
                awaitFile(dataDir.resolve("streams").resolve("label-embeddings"));
                // Captured a minute ago, the variants arrive behind (MicroBatchProcessor.BEHIND): a partial batch
                // then waits its whole wait instead of running early, and is still parked at the kill.
                Instant captured = Instant.now().minus(Duration.ofMinutes(1));
                Iterator<LabeledImage> images = fashion.images();
                for (int i = 0; i < IMAGES; i++) {
                    publisher.send(
                            images.next(), "crash-it", fashion.labelSpace().id(), captured, null);
                }
                publisher.flush();
            }
            // Once full batches are out, the rest sit parked until the kill.
            List<ConsumerRecord<String, byte[]>> before = Consume.until(
                    stack.bootstrapServers(),
                    "predictions",
                    new StringDeserializer(),
                    new ByteArrayDeserializer(),
                    read -> read.size() >= 64,
                    Duration.ofSeconds(90));
            // The kill must find partial batches parked and committed, not variants still unread in the topic.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (AppProcess.liveEntries(stack, "lr0-streams-inference-parked-changelog") == 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            app.destroyForcibly().waitFor();
            int parkedAtKill = AppProcess.liveEntries(stack, "lr0-streams-inference-parked-changelog");
            assertTrue(before.size() < IMAGES * VARIANTS_PER_IMAGE, "killed before the end");
            assertTrue(parkedAtKill > 0, "variants were parked, mid-batch, when the app was killed");

            // Restarted with a short wait, so the restored partial batches run.
            Process restarted = startApp(stack, dataDir, log, 1_000, chained);
            try {
                List<ConsumerRecord<String, byte[]>> all = Consume.until(
                        stack.bootstrapServers(),
                        "predictions",
                        new StringDeserializer(),
                        new ByteArrayDeserializer(),
                        read -> read.size() >= IMAGES * VARIANTS_PER_IMAGE,
                        Duration.ofSeconds(120));
                all = Consume.until(
                        stack.bootstrapServers(),
                        "predictions",
                        new StringDeserializer(),
                        new ByteArrayDeserializer(),
                        read -> false,
                        Duration.ofSeconds(3));
                Map<String, Long> copies =
                        all.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
                System.out.printf(
                        "InferenceCrashIT (chained %s): %d predictions before SIGKILL, %d variants "
                                + "parked at the kill, %d predictions after restart, %d distinct%n",
                        chained, before.size(), parkedAtKill, all.size(), copies.size());
                assertEquals(IMAGES * VARIANTS_PER_IMAGE, copies.size(), "every variant has a prediction");
                assertTrue(copies.values().stream().allMatch(n -> n == 1), "and only one");
            } finally {
                restarted.destroy();
                restarted.waitFor();
            }
        }
    }

    /** Waits until {@code dir} holds a file: the class embeddings of the label space, cached once encoded. */
    private static void awaitFile(Path dir) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.isDirectory(dir) || isEmpty(dir)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no class embeddings in " + dir + " within 60 s");
            }
            Thread.sleep(50);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.noneMatch(file -> file.toString().endsWith(".emb"));
        }
    }

    private static Process startApp(LocalStack stack, Path dataDir, Path log, long maxWaitMs, boolean chained)
            throws Exception {
        return AppProcess.start(
                stack,
                dataDir,
                log,
                Map.of(
                        "inference.batch.size",
                        "64",
                        "inference.batch.max.wait.ms",
                        String.valueOf(maxWaitMs),
                        "inference.chained",
                        String.valueOf(chained)));
    }
}
