package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.producers.LabeledImage;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.testing.FakeDualEncoder;
import io.lr0.testing.TestImages;
import io.lr0.testing.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference stage's stream logic on a fake encoder (no libtorch, milliseconds): full batches run as they fill,
 * a partial one once it has waited, every variant is classified once, by the model that saw it.
 */
class InferenceBatchingTest {
    private static final int BATCH = 4;

    @TempDir
    Path stateDir;

    private final FakeDualEncoder encoder = new FakeDualEncoder("fake-clip", 16);
    private TopologyHarness harness;
    private TestInputTopic<String, ImageVariant> variants;

    @BeforeEach
    void start() {
        harness = TopologyHarness.startWithModels(
                stateDir,
                Map.of(
                        Lr0Config.INFERENCE_CHAINED, "false",
                        Lr0Config.INFERENCE_BATCH_SIZE, String.valueOf(BATCH),
                        Lr0Config.INFERENCE_BATCH_MAX_WAIT_MS, "50"),
                List.of(encoder),
                null);
        variants = harness.input("image-variants", ImageVariant.class);
        harness.publishFashionMnistClasses("fashion-mnist");
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void fullBatchesRunAsTheyFillAndAPartialOneOnceItHasWaited() throws Exception {
        List<LabeledImage> images = TestImages.fashionMnist(2 * BATCH + 2);
        for (LabeledImage image : images) {
            variants.pipeInput(
                    image.id() + "@native", TestImages.nativeVariant(image, image.label(), harness.startedAt()));
        }
        assertEquals(List.of(BATCH, BATCH), encoder.batches(), "two full batches at once");

        harness.driver().advanceWallClockTime(Duration.ofSeconds(1));
        assertEquals(List.of(BATCH, BATCH, 2), encoder.batches(), "the last two once they waited");

        List<TestRecord<String, Prediction>> out =
                harness.output("predictions", Prediction.class).readRecordsToList();
        assertEquals(images.size(), out.size(), "one prediction per variant");
        assertEquals(
                images.stream().map(LabeledImage::id).sorted().toList(),
                out.stream().map(record -> record.value().getImageId()).sorted().toList());
        for (TestRecord<String, Prediction> record : out) {
            assertEquals("fake-clip", record.value().getModel());
            assertEquals("fake()", record.value().getDevice());
            assertTrue(record.value().getTopK().size() > 1, "scored over the label space");
        }
    }
}
