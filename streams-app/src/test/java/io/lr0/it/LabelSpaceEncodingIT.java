package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A label space that takes long to encode (1,000 classes x 80 templates, ImageNet's shape) on the real broker: while
 * its prompts are encoded, images of another dataset are classified and the instance does not rebalance (the stream
 * thread never waits for the encoder); its own images wait, then are classified; and an instance restarted on the
 * same state directory reads the class embeddings from the cache and encodes nothing.
 */
class LabelSpaceEncodingIT {
    private static final int CLASSES = 1000;
    private static final int TEMPLATES = 80;
    private static final int IMAGES = 4;

    @Test
    void aSlowLabelSpaceEncodesOffTheStreamThreadAndOnceAcrossARestart(@TempDir Path dir) throws Exception {
        Path prompts = Files.createDirectories(dir.resolve("prompts"));
        String templates = IntStream.range(0, TEMPLATES)
                .mapToObj(i -> "\"a photo number " + i + " of a {}.\"")
                .collect(Collectors.joining(","));
        Files.writeString(prompts.resolve("big.json"), "{\"templates\": [" + templates + "]}");
        List<String> classes =
                IntStream.range(0, CLASSES).mapToObj(i -> "class " + i).toList();
        DatasetSource fashion = Datasets.defaultFashionMnist("test");

        try (LocalStack stack = LocalStack.start(dir.resolve("kafka"), 0, 0, 0);
                ImagePublisher publisher = new ImagePublisher(
                        Map.of("bootstrap.servers", stack.bootstrapServers()),
                        Map.of("schema.registry.url", stack.registryUrl()),
                        "images",
                        "datasets")) {
            try (Lr0App app = Lr0App.start(config(stack, dir, prompts))) {
                double rebalancesAtStart = rebalances(app);
                // The large one first: a small label space published after it must not wait for its encoding
                // (one encoder thread made it wait the whole 80,000 prompts).
                publisher.publishDataset(new LabelSpace("big", classes, List.of(), "slow to encode"));
                publisher.publishDataset(fashion.labelSpace());
                Iterator<LabeledImage> images = fashion.images();
                for (int i = 0; i < IMAGES; i++) {
                    publisher.send(images.next(), "it", "big", Instant.now(), null);
                    publisher.send(images.next(), "it", fashion.labelSpace().id(), Instant.now(), null);
                }
                publisher.flush();

                List<ConsumerRecord<String, Prediction>> fashionFirst =
                        predictions(stack, read -> count(read, "fashion-mnist") >= IMAGES * 5);
                assertEquals(IMAGES * 5, count(fashionFirst, "fashion-mnist"), "the other dataset flows");
                double encoded = gauge(app, OperationalMetrics.LABEL_SPACE_PROMPTS_ENCODED);
                assertTrue(
                        encoded < CLASSES * TEMPLATES,
                        "classified while 'big' was still being encoded (" + encoded + " prompts done)");
                assertEquals(0, count(fashionFirst, "big"), "its own images wait");

                // 16 px and native: the default resolutions of an id without a protocol of its own.
                List<ConsumerRecord<String, Prediction>> all =
                        predictions(stack, read -> count(read, "big") >= IMAGES * 2);
                assertEquals(IMAGES * 2, count(all, "big"));
                assertEquals(1.0, encodings(app, "model"));
                assertEquals(rebalancesAtStart, rebalances(app), "no rebalance while encoding");
            }
            try (Lr0App restarted = Lr0App.start(config(stack, dir, prompts))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (encodings(restarted, "cache") < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(1.0, encodings(restarted, "cache"), "read from the cache");
                assertEquals(0.0, encodings(restarted, "model"), "nothing encoded again");
            }
        }
    }

    private static Lr0Config config(LocalStack stack, Path dir, Path prompts) {
        return AppConfig.on(stack, dir.resolve("state"), Lr0Config.INFERENCE_PROMPTS_DIR, prompts.toString());
    }

    private static List<ConsumerRecord<String, Prediction>> predictions(
            LocalStack stack, Predicate<List<ConsumerRecord<String, Prediction>>> done) {
        return Consume.until(
                stack.bootstrapServers(),
                "predictions",
                new StringDeserializer(),
                Consume.<Prediction>specificReader(stack.registryUrl()),
                done,
                Duration.ofSeconds(180));
    }

    private static long count(List<ConsumerRecord<String, Prediction>> predictions, String dataset) {
        return predictions.stream()
                .filter(record -> dataset.equals(record.value().getDataset()))
                .count();
    }

    private static double gauge(Lr0App app, String name) {
        Gauge gauge = app.meters().registry().find(name).tag("dataset", "big").gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static double encodings(Lr0App app, String from) {
        Counter counter = app.meters()
                .registry()
                .find(OperationalMetrics.LABEL_SPACE_ENCODINGS)
                .tags("dataset", "big", "from", from)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static double rebalances(Lr0App app) {
        return app.meters().registry().counter(OperationalMetrics.REBALANCES).count();
    }
}
