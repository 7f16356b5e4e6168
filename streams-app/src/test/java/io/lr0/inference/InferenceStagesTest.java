package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.producers.LabeledImage;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.testing.TestImages;
import io.lr0.testing.TestModels;
import io.lr0.testing.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two models on one stream (inference.model names both): the bundled demo model and a copy of it under another name,
 * so that their predictions must agree. TopologyTestDriver, the registry in process.
 */
class InferenceStagesTest {
    private static final Map<String, String> READ_BACK = Map.of(Lr0Config.INFERENCE_CHAINED, "false");
    private static ZeroShotModel base;
    private static ZeroShotModel renamed;
    private static List<LabeledImage> fashion;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void load(@TempDir Path cache, @TempDir Path copies) throws Exception {
        base = Models.load(Models.BUNDLED, "", cache);
        renamed = ZeroShotModel.load(
                TestModels.renamedBundled(copies, "lr0-demo-fmnist-copy").toString(), "");
        fashion = TestImages.fashionMnist(12);
    }

    @AfterAll
    static void close() {
        base.close();
        renamed.close();
    }

    @Test
    void everyModelClassifiesEveryVariantOnce() {
        assertEquals("lr0-demo-fmnist-copy", renamed.spec().name());
        try (TopologyHarness harness =
                TopologyHarness.startWithModels(stateDir, READ_BACK, List.of(base, renamed), null)) {
            TestInputTopic<String, ImageVariant> variants = harness.input("image-variants", ImageVariant.class);
            TestOutputTopic<String, Prediction> predictions = harness.output("predictions", Prediction.class);
            // A variant that arrives before its label space waits for both models to have encoded it.
            pipe(variants, fashion.subList(0, 2));
            harness.driver().advanceWallClockTime(Duration.ofSeconds(1));
            assertTrue(predictions.isEmpty(), "nothing before the label space");
            harness.publishFashionMnistClasses("fashion-mnist");
            pipe(variants, fashion.subList(2, fashion.size()));
            // The gate's next check lets the first two on, then their batches' wait runs them.
            harness.driver().advanceWallClockTime(Duration.ofSeconds(1));
            harness.driver().advanceWallClockTime(Duration.ofSeconds(1));
            Map<String, Map<String, String>> labelsByModel = new TreeMap<>();
            for (Prediction prediction : predictions.readValuesToList()) {
                String previous = labelsByModel
                        .computeIfAbsent(prediction.getModel(), model -> new TreeMap<>())
                        .put(prediction.getImageId(), prediction.getPredicted());
                assertEquals(null, previous, "one prediction per model and variant: " + prediction.getImageId());
            }
            assertEquals(List.of("lr0-demo-fmnist", "lr0-demo-fmnist-copy"), List.copyOf(labelsByModel.keySet()));
            assertEquals(fashion.size(), labelsByModel.get("lr0-demo-fmnist").size());
            // The same weights: the same answers.
            assertEquals(labelsByModel.get("lr0-demo-fmnist"), labelsByModel.get("lr0-demo-fmnist-copy"));
        }
    }

    @Test
    void theFirstModelKeepsItsStoreAndTheSecondHasItsOwn() {
        try (TopologyHarness harness =
                TopologyHarness.startWithModels(stateDir, READ_BACK, List.of(base, renamed), null)) {
            List<String> stores = new ArrayList<>();
            for (TopologyDescription.Subtopology subtopology :
                    harness.topology().describe().subtopologies()) {
                for (TopologyDescription.Node node : subtopology.nodes()) {
                    if (node instanceof TopologyDescription.Processor processor) {
                        stores.addAll(processor.stores());
                    }
                }
            }
            assertTrue(stores.contains("inference-parked"), stores.toString());
            assertTrue(stores.contains("inference-parked-model2"), stores.toString());
        }
    }

    @Test
    void twoModelsOfOneNameAreRefused() {
        ConfigException refused = assertThrows(
                ConfigException.class,
                () -> TopologyHarness.startWithModels(stateDir, READ_BACK, List.of(base, base), null)
                        .close());
        assertTrue(refused.getMessage().contains("inference.model"), refused.getMessage());
        assertTrue(refused.getMessage().contains("two models are named 'lr0-demo-fmnist'"), refused.getMessage());
    }

    private static void pipe(TestInputTopic<String, ImageVariant> variants, List<LabeledImage> images) {
        for (LabeledImage image : images) {
            variants.pipeInput(image.id() + "@native", TestImages.nativeVariant(image, image.label(), Instant.now()));
        }
    }
}
