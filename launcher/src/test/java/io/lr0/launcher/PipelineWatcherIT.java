package io.lr0.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.ProgressBar;
import io.lr0.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's watcher on the real broker, registry and app: its producer held back by what the pipeline has finished,
 * and its table when two models classify the stream.
 */
class PipelineWatcherIT {
    private static final int IMAGES = 60;
    private static final int MAX_IN_FLIGHT = 4;

    @TempDir
    Path dataDir;

    @Test
    void gateKeepsAtMostMaxInFlightImagesInThePipeline() throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Lr0Config config = config(stack, Map.of());
            try (Lr0App app = Lr0App.start(config);
                    PipelineWatcher watcher = PipelineWatcher.fromNow(config);
                    ImagePublisher publisher = publisher(config)) {
                DatasetProducer.Gate gate = watcher.gate(0, MAX_IN_FLIGHT, Duration.ofMinutes(2));
                AtomicLong mostInFlight = new AtomicLong();
                DatasetProducer.Result result = DatasetProducer.run(
                        Datasets.defaultFashionMnist("test"), publisher, "gate-it", IMAGES, 0, null, sent -> {
                            gate.awaitRoom(sent);
                            // In the pipeline once this image is sent: those sent and not done, and this one.
                            mostInFlight.accumulateAndGet(sent - watcher.done() + 1, Math::max);
                        });

                assertEquals(IMAGES, result.sent());
                // Unheld, the producer sends all 60 within milliseconds, long before the first is classified.
                assertTrue(
                        mostInFlight.get() <= MAX_IN_FLIGHT,
                        "at most " + MAX_IN_FLIGHT + " in flight, were " + mostInFlight.get());
                assertEquals(MAX_IN_FLIGHT, mostInFlight.get(), "the gate let the pipeline fill up to its limit");
                PipelineWatcher.Summary summary =
                        watcher.awaitImages(IMAGES, Duration.ofMinutes(2), ProgressBar.onStderr("processed", IMAGES));
                assertTrue(summary.complete(IMAGES), "every image went through");
            }
        }
    }

    @Test
    void twoModelsGetATableEachAndAnImageIsDoneWhenBothClassifiedIt() throws Exception {
        Path copy = TestModels.renamedBundled(dataDir.resolve("models"), "lr0-demo-fmnist-copy");
        int images = 20;
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Lr0Config config = config(stack, Map.of(Lr0Config.INFERENCE_MODEL, "bundled," + copy));
            try (Lr0App app = Lr0App.start(config);
                    PipelineWatcher watcher = PipelineWatcher.fromNow(config);
                    ImagePublisher publisher = publisher(config)) {
                DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "two-it", images, 0, null);
                PipelineWatcher.Summary summary =
                        watcher.awaitImages(images, Duration.ofMinutes(2), ProgressBar.onStderr("processed", images));
                String table = summary.table();
                assertTrue(summary.complete(images), table);
                assertTrue(summary.metricsCaughtUp(), table);
                for (String model : new String[] {"lr0-demo-fmnist", "lr0-demo-fmnist-copy"}) {
                    assertTrue(table.contains("fashion-mnist, " + model + "\n"), table);
                    assertTrue(table.contains("\n" + String.format("%-20s ", model) + "7 "), table);
                }
            }
        }
    }

    private Lr0Config config(LocalStack stack, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                Lr0Config.STATE_DIR, dataDir.resolve("streams").toString(),
                Lr0Config.DASHBOARD_PORT, "0"));
        settings.putAll(extra);
        return Lr0Config.of(settings);
    }

    private static ImagePublisher publisher(Lr0Config config) {
        return new ImagePublisher(
                config.kafkaClientConfig(),
                config.serdeConfig(),
                config.topics().images(),
                config.topics().datasets());
    }
}
