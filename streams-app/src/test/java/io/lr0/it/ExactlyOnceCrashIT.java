package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabelSpace;
import io.lr0.producers.LabeledImage;
import io.lr0.registry.AvroDeserializer;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.testing.AppProcess;
import io.lr0.testing.Consume;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under crashes: 2,000 images stream in while the app (a child JVM) is killed with SIGKILL at random
 * moments and restarted, three times. Afterwards every variant has exactly one prediction (read_committed), and the
 * cumulative metric counts equal the prediction counts per resolution.
 */
class ExactlyOnceCrashIT {
    private static final int IMAGES = 2_000;
    private static final List<String> RESOLUTIONS = List.of("native", "7", "10", "14", "21");
    private static final int CRASHES = 3;

    @Test
    void killedThreeTimesEveryVariantHasOnePredictionAndMetricsAgree(@TempDir Path dataDir) throws Exception {
        Random random = new Random(8);
        Path log = Path.of("target", "exactly-once-crash-it.log");
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Process app = AppProcess.start(stack, dataDir, log, Map.of());
            AppProcess.awaitTopic(stack, "predictions");
            // About 20 s of input at 100 images/s: the kills land while images are arriving and in flight.
            CompletableFuture<DatasetProducer.Result> producing = CompletableFuture.supplyAsync(() -> {
                try (ImagePublisher publisher = new ImagePublisher(
                        Map.of("bootstrap.servers", stack.bootstrapServers()),
                        Map.of("schema.registry.url", stack.registryUrl()),
                        "images",
                        "datasets")) {
                    return DatasetProducer.run(images(IMAGES), publisher, "crash-it", IMAGES, 100, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int[] predictionsAtKill = new int[CRASHES];
            for (int crash = 0; crash < CRASHES; crash++) {
                Thread.sleep(3_000 + random.nextInt(5_000));
                predictionsAtKill[crash] = Consume.until(
                                stack.bootstrapServers(),
                                "predictions",
                                new StringDeserializer(),
                                new StringDeserializer(),
                                read -> false,
                                Duration.ofMillis(500))
                        .size();
                app.destroyForcibly().waitFor();
                app = AppProcess.start(stack, dataDir, log, Map.of());
            }
            assertEquals(IMAGES, producing.get().sent());
            try {
                int expected = IMAGES * RESOLUTIONS.size();
                Consume.until(
                        stack.bootstrapServers(),
                        "predictions",
                        new StringDeserializer(),
                        new StringDeserializer(),
                        read -> read.size() >= expected,
                        Duration.ofSeconds(240));
                AvroDeserializer<Prediction> predictionReader = Consume.specificReader(stack.registryUrl());
                List<ConsumerRecord<String, Prediction>> all = Consume.until(
                        stack.bootstrapServers(),
                        "predictions",
                        new StringDeserializer(),
                        predictionReader,
                        read -> false,
                        Duration.ofSeconds(5));
                Map<String, Long> copies =
                        all.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
                long duplicates = copies.values().stream().filter(n -> n > 1).count();
                System.out.printf(
                        "ExactlyOnceCrashIT: %d images, SIGKILL at %s predictions; %d predictions read, "
                                + "%d distinct, %d duplicated, %d missing%n",
                        IMAGES,
                        Arrays.toString(predictionsAtKill),
                        all.size(),
                        copies.size(),
                        duplicates,
                        expected - copies.size());
                assertEquals(expected, copies.size(), "every variant has a prediction");
                assertEquals(0, duplicates, "and only one");

                Map<String, Long> predictionsPerResolution = all.stream()
                        .collect(Collectors.groupingBy(
                                r -> r.value().getResolution() == null
                                        ? "native"
                                        : r.value().getResolution().toString(),
                                Collectors.counting()));
                Map<String, Long> metricTotals = awaitMetricTotals(stack, predictionsPerResolution);
                assertEquals(predictionsPerResolution, metricTotals, "metric counts equal prediction counts");
            } finally {
                app.destroy();
                app.waitFor();
            }
        }
    }

    /** {@code count} Fashion-MNIST test images, the first ones again under new ids where the sample has fewer. */
    private static DatasetSource images(int count) throws IOException {
        DatasetSource test = Datasets.defaultFashionMnist("test");
        List<LabeledImage> images = new ArrayList<>();
        while (images.size() < count) {
            int pass = images.size() / test.size();
            for (Iterator<LabeledImage> it = test.images(); it.hasNext() && images.size() < count; ) {
                LabeledImage image = it.next();
                images.add(
                        pass == 0
                                ? image
                                : new LabeledImage(
                                        image.id() + "/copy-" + pass,
                                        image.image(),
                                        image.label(),
                                        image.group(),
                                        image.attributes()));
            }
        }
        return new DatasetSource() {
            public LabelSpace labelSpace() {
                return test.labelSpace();
            }

            public int size() {
                return images.size();
            }

            public Iterator<LabeledImage> images() {
                return images.iterator();
            }
        };
    }

    /** Latest cumulative metric per resolution: labelled + unlabelled predictions counted. */
    private static Map<String, Long> awaitMetricTotals(LocalStack stack, Map<String, Long> expected) {
        AvroDeserializer<RobustnessMetric> metricReader = Consume.specificReader(stack.registryUrl());
        Map<String, Long> totals = new HashMap<>();
        Consume.until(
                stack.bootstrapServers(),
                "robustness-metrics",
                new StringDeserializer(),
                metricReader,
                read -> {
                    totals.clear();
                    for (ConsumerRecord<String, RobustnessMetric> record : read) {
                        RobustnessMetric metric = record.value();
                        totals.put(
                                metric.getResolution() == null
                                        ? "native"
                                        : metric.getResolution().toString(),
                                metric.getTotal() + metric.getUnlabelled());
                    }
                    return totals.equals(expected);
                },
                Duration.ofSeconds(90));
        return totals;
    }
}
