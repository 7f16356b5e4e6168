package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.Datasets;
import io.lr0.producers.ImagePublisher;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.testing.Consume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stages split by role, as docs/architecture.md describes: one application degrades and computes the metrics
 * ({@code inference.enabled=false}), another with its own application id only runs the model on the variants
 * ({@code degrade.enabled=false}, {@code metrics.enabled=false}). Each image is degraded once and each variant
 * classified once.
 */
class SplitRolesIT {
    private static final int IMAGES = 60;

    @TempDir
    Path dataDir;

    @Test
    void eachStageRunsInOneApplicationOnly() throws Exception {
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0)) {
            Lr0Config cpuRole = role(stack, "cpu", Map.of(Lr0Config.INFERENCE_ENABLED, "false"));
            Lr0Config modelRole = role(
                    stack,
                    "model",
                    Map.of(
                            Lr0Config.APPLICATION_ID,
                            "lr0-model",
                            Lr0Config.DEGRADE_ENABLED,
                            "false",
                            Lr0Config.METRICS_ENABLED,
                            "false"));
            try (Lr0App cpu = Lr0App.start(cpuRole);
                    Lr0App model = Lr0App.start(modelRole)) {
                try (ImagePublisher publisher = new ImagePublisher(
                        cpuRole.kafkaClientConfig(),
                        cpuRole.serdeConfig(),
                        cpuRole.topics().images(),
                        cpuRole.topics().datasets())) {
                    DatasetProducer.run(Datasets.defaultFashionMnist("test"), publisher, "split", IMAGES, 0, null);
                }
                int expected = IMAGES
                        * (cpuRole.degradeSettings()
                                        .resolutionsFor("fashion-mnist")
                                        .size()
                                + 1);

                List<ConsumerRecord<String, Prediction>> predictions = Consume.until(
                        stack.bootstrapServers(),
                        cpuRole.topics().predictions(),
                        new StringDeserializer(),
                        Consume.specificReader(stack.registryUrl()),
                        read -> read.size() >= expected,
                        Duration.ofSeconds(90));
                String nativeKey = "lr0-demo-fmnist/fashion-mnist/native/bicubic";
                // The metrics come from the CPU role's application, which never ran the model.
                List<ConsumerRecord<String, RobustnessMetric>> metrics = Consume.until(
                        stack.bootstrapServers(),
                        cpuRole.topics().metrics(),
                        new StringDeserializer(),
                        Consume.specificReader(stack.registryUrl()),
                        read -> read.stream()
                                .anyMatch(r ->
                                        r.key().equals(nativeKey) && r.value().getTotal() == IMAGES),
                        Duration.ofSeconds(60));
                // Give a duplicate (a second degradation or classification) the chance to show up before counting.
                List<ConsumerRecord<String, ImageVariant>> variants = Consume.until(
                        stack.bootstrapServers(),
                        cpuRole.topics().variants(),
                        new StringDeserializer(),
                        Consume.specificReader(stack.registryUrl()),
                        read -> false,
                        Duration.ofSeconds(3));
                predictions = Consume.until(
                        stack.bootstrapServers(),
                        cpuRole.topics().predictions(),
                        new StringDeserializer(),
                        Consume.specificReader(stack.registryUrl()),
                        read -> false,
                        Duration.ofSeconds(1));

                assertEquals(expected, variants.size(), "variants: one per image and resolution, none doubled");
                assertEquals(expected, predictions.size(), "predictions: one per variant, none doubled");
                assertEquals(expected, copiesByKey(predictions).size(), "distinct prediction keys");
                assertTrue(metrics.stream().anyMatch(r -> r.key().equals(nativeKey)), "metrics from the CPU role");
                assertEquals(
                        List.of(),
                        cpu.activePartitionsOf(cpuRole.topics().variants()),
                        "the CPU role reads no variants");
                assertEquals(
                        List.of(),
                        model.activePartitionsOf(cpuRole.topics().images()),
                        "the model role reads no images");
            }
        }
    }

    private Lr0Config role(LocalStack stack, String name, Map<String, String> roleSettings) {
        Map<String, String> settings = new HashMap<>(Map.of(
                Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                Lr0Config.STATE_DIR, dataDir.resolve(name).toString(),
                Lr0Config.DASHBOARD_PORT, "0"));
        settings.putAll(roleSettings);
        return Lr0Config.of(settings);
    }

    private static <V> Map<String, Long> copiesByKey(List<ConsumerRecord<String, V>> records) {
        return records.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    }
}
