package io.lr0.inference;

import static io.lr0.testing.TopologyHarness.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.image.ImageCodec;
import io.lr0.image.Raster;
import io.lr0.producers.IdxDataset;
import io.lr0.producers.LabeledImage;
import io.lr0.runtime.stage.MicroBatchProcessor;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.testing.TestImages;
import io.lr0.testing.TopologyHarness;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference stage with the real bundled model and the registry in process, driven by TopologyTestDriver. */
class InferenceStageTest {
    private static final int BATCH = 4;
    private static ZeroShotModel model;
    private static List<LabeledImage> fashion;

    @TempDir
    Path stateDir;

    private TopologyHarness harness;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ImageVariant> variants;
    private TestInputTopic<String, ImageRecord> images;
    private TestInputTopic<String, DatasetInfo> datasets;
    private TestOutputTopic<String, Prediction> predictions;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeAll
    static void load(@TempDir Path cache) throws Exception {
        model = Models.load(Models.BUNDLED, "", cache);
        fashion = TestImages.fashionMnist(200);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @BeforeEach
    void start() {
        start(BATCH, 50);
    }

    private void start(int batchSize, int maxWaitMs) {
        // Variants are piped into image-variants: the stage reads them back, as in an application that only
        // classifies.
        start(Map.of(
                Lr0Config.INFERENCE_CHAINED,
                "false",
                Lr0Config.INFERENCE_BATCH_SIZE,
                String.valueOf(batchSize),
                Lr0Config.INFERENCE_BATCH_MAX_WAIT_MS,
                String.valueOf(maxWaitMs)));
    }

    private void start(Map<String, String> settings) {
        harness = TopologyHarness.start(stateDir, settings, model, null);
        driver = harness.driver();
        variants = harness.input("image-variants", ImageVariant.class);
        images = harness.input("images", ImageRecord.class);
        datasets = harness.input("datasets", DatasetInfo.class);
        predictions = harness.output("predictions", Prediction.class);
        deadLetters = harness.rawOutput("image-variants-dlq");
    }

    /** Batches large and patient enough that when a partial batch runs early can be seen. */
    private void restartWithBatchesOf32Waiting200Ms() {
        harness.close();
        start(32, 200);
        publishFashionMnist();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private void publishFashionMnist() {
        publish("fashion-mnist");
    }

    /** Publishes a label space with Fashion-MNIST's classes and waits until its prompts are encoded. */
    private void publish(String dataset) {
        harness.publishFashionMnistClasses(dataset);
    }

    private ImageVariant variant(LabeledImage image, String label) {
        return TestImages.nativeVariant(image, label, harness.startedAt());
    }

    private void pipe(int from, int count) {
        for (int i = from; i < from + count; i++) {
            LabeledImage image = fashion.get(i);
            variants.pipeInput(image.id() + "@native", variant(image, image.label()));
        }
    }

    /**
     * Label spaces no classifier can be built from, published by a producer that does not check them: no classes,
     * blank class names (they yielded predictions of class ""), more prompts than the configured cap. Their records
     * are dead-lettered at once, by name.
     */
    @Test
    void unusableLabelSpacesDeadLetterTheirRecordsAtOnce() {
        harness.close();
        start(Map.of(Lr0Config.INFERENCE_CHAINED, "false", Lr0Config.INFERENCE_LABEL_SPACE_MAX_PROMPTS, "5"));
        Map<String, List<String>> unusable = Map.of(
                "no-classes", List.of(),
                "blank-classes", List.of("", "", " "),
                "over-the-cap", IdxDataset.FASHION_MNIST_CLASSES);
        Map<String, String> expected = Map.of(
                "no-classes", "no classes",
                "blank-classes", "blank name",
                "over-the-cap", "inference.label.space.max.prompts=5");
        LabeledImage image = fashion.get(0);
        for (var space : unusable.entrySet()) {
            datasets.pipeInput(
                    space.getKey(),
                    DatasetInfo.newBuilder()
                            .setId(space.getKey())
                            .setClasses(space.getValue())
                            .setUpdated(Instant.EPOCH)
                            .build());
            ImageVariant variant = variant(image, image.label());
            variant.setDataset(space.getKey());
            variants.pipeInput(space.getKey() + "@native", variant);
            List<TestRecord<byte[], byte[]>> refused = deadLetters.readRecordsToList();
            assertEquals(1, refused.size(), space.getKey() + ": dead-lettered at once");
            assertEquals("BAD_LABEL_SPACE", header(refused.get(0), DeadLetterHeaders.REASON));
            String message = header(refused.get(0), DeadLetterHeaders.MESSAGE);
            assertTrue(message.contains(expected.get(space.getKey())), message);
        }
        assertTrue(predictions.isEmpty(), "no prediction of class \"\"");
    }

    @Test
    void fullBatchesRunAtOnceAndClassifyFashionMnist() {
        publishFashionMnist();

        pipe(0, 3 * BATCH);

        List<TestRecord<String, Prediction>> out = predictions.readRecordsToList();
        assertEquals(3 * BATCH, out.size(), "three full batches, no waiting");
        Prediction first = out.get(0).value();
        assertEquals(fashion.get(0).id() + "@native/bicubic", out.get(0).key());
        assertEquals("lr0-demo-fmnist", first.getModel());
        assertEquals("bicubic", first.getSrMethod());
        assertEquals(BATCH, first.getBatchSize());
        assertEquals(5, first.getTopK().size());
        assertTrue(first.getTopK().get(0).getScore() >= first.getTopK().get(1).getScore(), "top-k sorted");
        assertEquals(first.getPredicted(), first.getTopK().get(0).getLabel());
        assertEquals("test", first.getSource(), "the image's source, for metrics per source");
        // The entropy of the whole softmax: between certain (0) and uniform over the 10 classes (ln 10).
        assertTrue(first.getEntropy() > 0 && first.getEntropy() < Math.log(10), "entropy " + first.getEntropy());
        assertTrue(first.getLatencyMillis() >= 0);
        assertTrue(first.getModelTimeMicros() > 0);
    }

    @Test
    void nativeAccuracyOnTheSampleIsHigh() {
        publishFashionMnist();
        pipe(0, 200);
        driver.advanceWallClockTime(Duration.ofMillis(100));

        List<Prediction> out = predictions.readValuesToList();
        assertEquals(200, out.size());
        long correct =
                out.stream().filter(p -> Boolean.TRUE.equals(p.getCorrect())).count();
        assertTrue(correct >= 160, "demo model top-1 on 200 native test images: " + correct + "/200");
    }

    @Test
    void aPartialBatchRunsAfterTheMaximumWait() {
        publishFashionMnist();
        pipe(0, BATCH - 1);
        assertTrue(predictions.isEmpty(), "waiting for more");

        driver.advanceWallClockTime(Duration.ofMillis(60));

        List<Prediction> out = predictions.readValuesToList();
        assertEquals(BATCH - 1, out.size());
        assertEquals(BATCH - 1, out.get(0).getBatchSize());
    }

    @Test
    void aTrickleDoesNotWaitForABatchThatCannotFill() {
        restartWithBatchesOf32Waiting200Ms();
        pipe(0, 2);

        // One check (a 50 ms advance fires the tick once): at 2 variants per 50 ms, 32 would take far longer than
        // 200 ms.
        driver.advanceWallClockTime(Duration.ofMillis(50));

        List<Prediction> out = predictions.readValuesToList();
        assertEquals(2, out.size(), "run at the first tick, not after the whole wait");
        assertEquals(2, out.get(0).getBatchSize());
    }

    @Test
    void behindATrickleWaitsTheWholeWaitToCatchUp() {
        restartWithBatchesOf32Waiting200Ms();
        // Captured well before the limit: a backlog upstream, so small early batches would only slow the catching up.
        for (int i = 0; i < 2; i++) {
            LabeledImage image = fashion.get(i);
            variants.pipeInput(
                    image.id() + "@native",
                    TestImages.nativeVariant(
                            image, image.label(), Instant.now().minus(MicroBatchProcessor.BEHIND.multipliedBy(5))));
        }

        driver.advanceWallClockTime(Duration.ofMillis(150));
        assertTrue(predictions.isEmpty(), "no early run while behind");
        driver.advanceWallClockTime(Duration.ofMillis(50));

        assertEquals(2, predictions.readValuesToList().size(), "run once the whole wait has passed");
    }

    @Test
    void aBurstRunsOnceATickPassesWithoutArrivals() {
        restartWithBatchesOf32Waiting200Ms();
        // A burst, as an upstream transaction makes variants readable: at its rate the batch would fill in time.
        pipe(0, 24);
        driver.advanceWallClockTime(Duration.ofMillis(MicroBatchProcessor.MAX_TICK_MS));
        assertTrue(predictions.isEmpty(), "variants arrived during that tick: more may come");

        driver.advanceWallClockTime(Duration.ofMillis(MicroBatchProcessor.MAX_TICK_MS));

        List<Prediction> out = predictions.readValuesToList();
        assertEquals(24, out.size(), "a tick without arrivals: the burst is over, run it");
        assertEquals(24, out.get(0).getBatchSize());
    }

    @Test
    void underLoadAPartialBatchWaitsToFill() {
        restartWithBatchesOf32Waiting200Ms();
        pipe(0, 24);

        // At 24 variants per 30 ms the other 8 arrive well within the 200 ms wait (and the tick saw arrivals).
        driver.advanceWallClockTime(Duration.ofMillis(30));
        assertTrue(predictions.isEmpty(), "waiting for a full batch");
        pipe(24, 8);

        List<Prediction> out = predictions.readValuesToList();
        assertEquals(32, out.size());
        assertEquals(32, out.get(0).getBatchSize());
    }

    @Test
    void aBatchMixesDatasets() {
        publishFashionMnist();
        publish("fashion-copy");
        for (int i = 0; i < BATCH; i++) {
            ImageVariant variant = variant(fashion.get(i), fashion.get(i).label());
            variant.setDataset(i % 2 == 0 ? "fashion-mnist" : "fashion-copy");
            variants.pipeInput("mixed-" + i + "@native", variant);
        }

        List<Prediction> out = predictions.readValuesToList();
        assertEquals(BATCH, out.size(), "half a batch of each dataset makes one full batch, run at once");
        assertEquals(
                List.of(BATCH),
                out.stream().map(Prediction::getBatchSize).distinct().toList());
        assertEquals(2, out.stream().map(Prediction::getDataset).distinct().count());
    }

    @Test
    void variantsWaitForTheirLabelSpaceBeforeInference() {
        pipe(0, 2);
        driver.advanceWallClockTime(Duration.ofMillis(60));
        assertTrue(predictions.isEmpty(), "no label space yet");

        publishFashionMnist();
        // The gate's next check lets them on, then their batch's wait runs it.
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        driver.advanceWallClockTime(Duration.ofMillis(60));

        assertEquals(2, predictions.readValuesToList().size());
    }

    @Test
    void aLabelOutsideTheLabelSpaceLeavesCorrectUnset() {
        publishFashionMnist();
        variants.pipeInput("x@native", variant(fashion.get(0), "Spaceship"));
        driver.advanceWallClockTime(Duration.ofMillis(60));

        assertNull(predictions.readValue().getCorrect());
    }

    @Test
    void aVariantThatFailsPreprocessingIsDeadLettered() {
        publishFashionMnist();
        ImageVariant broken = variant(fashion.get(0), "Bag");
        broken.setImage(Image.newBuilder()
                .setEncoding(ImageEncoding.PNG)
                .setData(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2}))
                .build());
        variants.pipeInput("broken@native", broken);
        pipe(0, 1);
        driver.advanceWallClockTime(Duration.ofMillis(60));

        TestRecord<byte[], byte[]> deadLetter = deadLetters.readRecord();
        assertEquals("broken@native", new String(deadLetter.key(), StandardCharsets.UTF_8));
        assertEquals("CORRUPT_IMAGE", header(deadLetter, DeadLetterHeaders.REASON));
        assertEquals("image-variants", header(deadLetter, DeadLetterHeaders.SOURCE_TOPIC));
        assertEquals(1, predictions.readValuesToList().size(), "the stream goes on");
    }

    @Test
    void aStripTooLongToResizeIsDeadLetteredOnArrival() {
        publishFashionMnist();
        ImageVariant strip = variant(fashion.get(0), "Bag");
        // 2 x 400,000 pixels passes image.max.pixels (40 M) but resized to the 32 px input it would be 32 x 6,400,000.
        strip.setImage(ImageCodec.toRawImage(new Raster(2, 400_000, 1, new byte[800_000])));
        variants.pipeInput("strip@native", strip);
        pipe(0, 1);
        driver.advanceWallClockTime(Duration.ofMillis(60));

        TestRecord<byte[], byte[]> deadLetter = deadLetters.readRecord();
        assertEquals("strip@native", new String(deadLetter.key(), StandardCharsets.UTF_8));
        assertEquals("PIXEL_LIMIT", header(deadLetter, DeadLetterHeaders.REASON));
        assertEquals(1, predictions.readValuesToList().size(), "the batch with the good variant still runs");
    }

    /** Chained: the images' own tasks classify their variants; image-variants is written, never read back. */
    private void restartChained() {
        harness.close();
        start(Map.of(Lr0Config.INFERENCE_CHAINED, "true", Lr0Config.INFERENCE_BATCH_SIZE, String.valueOf(BATCH)));
        publishFashionMnist();
    }

    @Test
    void chainedInferenceClassifiesTheVariantsInTheImagesTask() {
        restartChained();
        String topology = harness.topology().describe().toString();
        assertFalse(topology.contains("topics: [image-variants]"), "no source reads image-variants:\n" + topology);
        TestOutputTopic<String, ImageVariant> written = harness.output("image-variants", ImageVariant.class);

        LabeledImage image = fashion.get(0);
        images.pipeInput(image.id(), TestImages.record(image.id(), "fashion-mnist", image.image(), image.label()));
        driver.advanceWallClockTime(Duration.ofMillis(200));

        List<String> keys =
                predictions.readRecordsToList().stream().map(TestRecord::key).toList();
        assertEquals(
                List.of(
                        image.id() + "@10/bicubic",
                        image.id() + "@14/bicubic",
                        image.id() + "@21/bicubic",
                        image.id() + "@7/bicubic",
                        image.id() + "@native/bicubic"),
                keys.stream().sorted().toList());
        assertEquals(5, written.readRecordsToList().size(), "variants still written for other consumers");
    }

    @Test
    void chainedImagesWaitForTheirLabelSpaceBeforeTheyAreDegraded() {
        restartChained();
        TestOutputTopic<String, ImageVariant> written = harness.output("image-variants", ImageVariant.class);
        LabeledImage image = fashion.get(0);
        images.pipeInput(image.id(), TestImages.record(image.id(), "fashion-mnist-late", image.image(), image.label()));
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertTrue(written.isEmpty() && predictions.isEmpty(), "the image waits whole");

        publish("fashion-mnist-late");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        driver.advanceWallClockTime(Duration.ofMillis(200));

        // An id without a protocol of its own is degraded to the default resolutions: 16 px, and the native one.
        assertEquals(2, written.readRecordsToList().size());
        assertEquals(2, predictions.readValuesToList().size());
    }

    @Test
    void chainedAnImageWithAVariantInferenceWouldRefuseIsDeadLetteredWhole() {
        restartChained();
        TestOutputTopic<byte[], byte[]> imageDeadLetters = harness.rawOutput("images-dlq");
        TestOutputTopic<String, ImageVariant> written = harness.output("image-variants", ImageVariant.class);
        // 2 x 400,000 pixels degrades (to its native variant only), but resized to the 32 px input it would be
        // 32 x 6,400,000: inference refuses it, and chained, the degradation refuses the image with its record.
        ImageRecord strip = TestImages.record(
                "strip", "fashion-mnist", TestImages.raw(new Raster(2, 400_000, 1, new byte[800_000])), "Bag");
        images.pipeInput("strip", strip);
        LabeledImage good = fashion.get(1);
        images.pipeInput(good.id(), TestImages.record(good.id(), "fashion-mnist", good.image(), good.label()));
        driver.advanceWallClockTime(Duration.ofMillis(200));

        TestRecord<byte[], byte[]> deadLetter = imageDeadLetters.readRecord();
        assertEquals("strip", new String(deadLetter.key(), StandardCharsets.UTF_8));
        assertEquals("PIXEL_LIMIT", header(deadLetter, DeadLetterHeaders.REASON));
        assertEquals("images", header(deadLetter, DeadLetterHeaders.SOURCE_TOPIC));
        assertEquals(
                strip,
                harness.decode("images", ImageRecord.class, deadLetter.value()),
                "the image's own record, to replay");
        assertTrue(imageDeadLetters.isEmpty());
        assertEquals(5, written.readRecordsToList().size(), "no variant of the strip, five of the next image");
        assertEquals(5, predictions.readValuesToList().size(), "the next image is classified");
    }
}
