package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.dlq.DeadLetterReplay;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabelSpace;
import io.lr0.producers.LabeledImage;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.schema.Prediction;
import io.lr0.testing.AppConfig;
import io.lr0.testing.Consume;
import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images of a dataset with no label space on the real broker: they wait on disk while images of a published
 * dataset are classified, keep waiting through a restart on an empty state directory (restored from the changelog),
 * are dead-lettered with NO_LABEL_SPACE after the wait, and once the label space is published a replay gets every
 * one of them its predictions.
 */
class LabelSpaceWaitIT {
    private static final int LATE = 8;
    private static final int GOOD = 2;
    private static final int PREDICTIONS_PER_IMAGE = 5;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void imagesWaitThroughARestartAreDeadLetteredAfterTheWaitAndReplayOnceTheLabelSpaceIsPublished(
            @TempDir Path dataDir) throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0);
                ImagePublisher publisher = new ImagePublisher(
                        Map.of("bootstrap.servers", stack.bootstrapServers()),
                        Map.of("schema.registry.url", stack.registryUrl()),
                        "images",
                        "datasets")) {
            DatasetSource fashion = Datasets.defaultFashionMnist("test");
            Iterator<LabeledImage> images = fashion.images();
            try (Lr0App app = Lr0App.start(config(stack, dataDir.resolve("state-1")))) {
                publisher.publishDataset(fashion.labelSpace());
                for (int i = 0; i < LATE; i++) {
                    publisher.send(images.next(), "it", "late", Instant.now(), null);
                }
                for (int i = 0; i < GOOD; i++) {
                    publisher.send(images.next(), "it", fashion.labelSpace().id(), Instant.now(), null);
                }
                publisher.flush();
                assertEquals(
                        GOOD * PREDICTIONS_PER_IMAGE,
                        predictions(stack, GOOD * PREDICTIONS_PER_IMAGE).size());
                await(() -> waiting(app) == LATE, "the late images wait");
            }

            // A new instance on an empty state directory: the waiting images come back from the changelog.
            try (Lr0App app = Lr0App.start(config(stack, dataDir.resolve("state-2")))) {
                await(() -> waiting(app) == LATE, "restored from the changelog");
                List<ConsumerRecord<byte[], byte[]>> deadLetters = Consume.until(
                        stack.bootstrapServers(),
                        DeadLetterHeaders.topicFor("images"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer(),
                        read -> read.size() >= LATE,
                        WAIT.plusSeconds(40));
                assertEquals(LATE, deadLetters.size());
                assertTrue(
                        deadLetters.stream().allMatch(record -> "NO_LABEL_SPACE".equals(header(record))),
                        "reason NO_LABEL_SPACE");
                await(() -> waiting(app) == 0, "nothing waits any more");

                publisher.publishDataset(
                        new LabelSpace("late", fashion.labelSpace().classes(), List.of(), "published late"));
                DeadLetterReplay.Outcome replayed = new DeadLetterReplay(
                                Map.of("bootstrap.servers", stack.bootstrapServers()))
                        .replay(
                                DeadLetterHeaders.topicFor("images"),
                                "label-space-wait-it",
                                deadLetter -> "NO_LABEL_SPACE".equals(deadLetter.reason()),
                                null,
                                false,
                                false);
                assertEquals(LATE, replayed.replayed());

                // Each replayed image gets the variants of its dataset's resolutions (for an id without a
                // protocol of its own, the default ones): its native prediction stands for all of them.
                List<ConsumerRecord<String, Prediction>> predictions = Consume.until(
                        stack.bootstrapServers(),
                        "predictions",
                        new StringDeserializer(),
                        Consume.<Prediction>specificReader(stack.registryUrl()),
                        read -> lateImagesClassified(read) >= LATE,
                        Duration.ofSeconds(90));
                assertEquals(LATE, lateImagesClassified(predictions), "every replayed image is classified");
            }
        }
    }

    /** Images of "late" with a native prediction, on its own label space. */
    private static long lateImagesClassified(List<ConsumerRecord<String, Prediction>> predictions) {
        return predictions.stream()
                .map(ConsumerRecord::value)
                .filter(prediction -> "late".equals(prediction.getDataset()) && prediction.getResolution() == null)
                .map(Prediction::getImageId)
                .distinct()
                .count();
    }

    private static Lr0Config config(LocalStack stack, Path stateDir) {
        return AppConfig.on(stack, stateDir, Lr0Config.INFERENCE_LABEL_SPACE_WAIT_MS, String.valueOf(WAIT.toMillis()));
    }

    private static List<ConsumerRecord<String, byte[]>> predictions(LocalStack stack, int atLeast) {
        return Consume.until(
                stack.bootstrapServers(),
                "predictions",
                new StringDeserializer(),
                new ByteArrayDeserializer(),
                read -> read.size() >= atLeast,
                Duration.ofSeconds(90));
    }

    /** The instance's gauge of images of "late" waiting for its label space (0 when absent). */
    private static double waiting(Lr0App app) {
        Gauge gauge = app.meters()
                .registry()
                .find(OperationalMetrics.LABEL_SPACE_WAITING)
                .tags("dataset", "late", "topic", "images")
                .gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(DeadLetterHeaders.REASON);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
