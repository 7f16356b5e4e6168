package io.lr0.superres;

import static io.lr0.testing.TopologyHarness.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.image.Degradations;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.inference.Models;
import io.lr0.inference.ZeroShotModel;
import io.lr0.producers.LabeledImage;
import io.lr0.schema.DegradationMethod;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.testing.TestImages;
import io.lr0.testing.TopologyHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The super-resolution stage between degradation and inference, with the real bundled LIIF and demo models and the
 * registry in process, driven by TopologyTestDriver.
 */
class SuperResolutionStageTest {
    private static final int[] RESOLUTIONS = {7, 14};
    private static ZeroShotModel model;
    private static LiifModel liif;
    private static List<LabeledImage> fashion;

    @TempDir
    Path stateDir;

    private TopologyHarness harness;

    @BeforeAll
    static void load(@TempDir Path cache) throws Exception {
        model = Models.load(Models.BUNDLED, "", cache);
        liif = LiifModel.load(LiifModel.BUNDLED, cache);
        fashion = TestImages.fashionMnist(4);
    }

    @AfterAll
    static void close() {
        liif.close();
        model.close();
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    /** Starts the topology with LIIF, publishes the label space and the native + 7 + 14 px variants of 4 images. */
    private void run(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                Lr0Config.INFERENCE_BATCH_SIZE,
                "4",
                Lr0Config.INFERENCE_BATCH_MAX_WAIT_MS,
                "50",
                Lr0Config.SR_BATCH_SIZE,
                "4",
                Lr0Config.SR_BATCH_MAX_WAIT_MS,
                "50",
                Lr0Config.SR_METHODS,
                "bicubic,liif",
                // Variants are piped into image-variants: inference reads them back, as an application that only
                // classifies does.
                Lr0Config.INFERENCE_CHAINED,
                "false"));
        all.putAll(settings);
        harness = TopologyHarness.start(stateDir, all, model, liif);
        harness.publishFashionMnistClasses("fashion-mnist");
        TestInputTopic<String, ImageVariant> variants = harness.input("image-variants", ImageVariant.class);
        for (LabeledImage image : fashion) {
            Raster nativeImage = ImageCodec.decode(image.image(), ImageLimits.DEFAULT);
            variants.pipeInput(image.id() + "@native", variant(image, null, DegradationMethod.NATIVE, image.image()));
            for (int resolution : RESOLUTIONS) {
                variants.pipeInput(
                        image.id() + "@" + resolution,
                        variant(
                                image,
                                resolution,
                                DegradationMethod.PIL_BICUBIC,
                                ImageCodec.toRawImage(Degradations.lowResolution(nativeImage, resolution))));
            }
        }
        // Let the partial batches' wait run out, first for LIIF, then for the model.
        for (int i = 0; i < 3; i++) {
            harness.driver().advanceWallClockTime(Duration.ofMillis(60));
        }
    }

    private static ImageVariant variant(
            LabeledImage image, Integer resolution, DegradationMethod method, Image pixels) {
        return ImageVariant.newBuilder()
                .setImageId(image.id())
                .setSource("test")
                .setDataset("fashion-mnist")
                .setCaptureTimestamp(Instant.now())
                .setLabel(image.label())
                .setGroup(null)
                .setResolution(resolution)
                .setMethod(method)
                .setNativeWidth(28)
                .setNativeHeight(28)
                .setImage(pixels)
                .setVariantsOfImage(1 + RESOLUTIONS.length)
                .build();
    }

    private Set<String> predictionKeys() {
        Set<String> keys = new TreeSet<>();
        for (TestRecord<String, Prediction> record :
                harness.output("predictions", Prediction.class).readRecordsToList()) {
            keys.add(record.key());
            assertEquals(
                    record.key(),
                    record.value().getVariantKey() + "/" + record.value().getSrMethod());
        }
        return keys;
    }

    private static Set<String> keys(String... suffixes) {
        Set<String> keys = new TreeSet<>();
        for (LabeledImage image : fashion) {
            for (String suffix : suffixes) {
                keys.add(image.id() + suffix);
            }
        }
        return keys;
    }

    @Test
    void everyLowResolutionVariantIsClassifiedAfterBicubicAndAfterLiif() {
        run(Map.of());

        List<TestRecord<String, ImageVariant>> upscaled =
                harness.output("upscaled-variants", ImageVariant.class).readRecordsToList();
        assertEquals(
                keys("@7/liif", "@14/liif"),
                new TreeSet<>(upscaled.stream().map(TestRecord::key).toList()));
        for (TestRecord<String, ImageVariant> record : upscaled) {
            ImageVariant variant = record.value();
            assertEquals("liif", variant.getSrMethod());
            assertEquals(ImageEncoding.RGB8, variant.getImage().getEncoding());
            assertEquals(32, variant.getImage().getWidth(), "up-sampled to the model's input size");
            assertEquals(32, variant.getImage().getHeight());
        }
        // The stage's output is the model's: the same low-resolution image through LIIF directly gives the same pixels.
        ImageVariant first = upscaled.get(0).value();
        Raster lowRes = Degradations.lowResolution(
                ImageCodec.decode(
                        fashion.stream()
                                .filter(f -> f.id().equals(first.getImageId()))
                                .findFirst()
                                .orElseThrow()
                                .image(),
                        ImageLimits.DEFAULT),
                first.getResolution());
        try (Upscaler upscaler = liif.newUpscaler()) {
            assertArrayEquals(
                    upscaler.upscale(List.of(lowRes), 32, 32).get(0).pixels(),
                    ImageCodec.decode(first.getImage(), ImageLimits.DEFAULT).pixels());
        }

        assertEquals(keys("@native/bicubic", "@7/bicubic", "@7/liif", "@14/bicubic", "@14/liif"), predictionKeys());
    }

    @Test
    void withLiifAloneOnlyTheNativeReferenceIsClassifiedAsItIs() {
        run(Map.of(Lr0Config.SR_METHODS, "liif"));

        assertEquals(keys("@native/bicubic", "@7/liif", "@14/liif"), predictionKeys());
    }

    @Test
    void aScaleAboveTheMaximumIsDeadLetteredWithTheReason() {
        // 7 -> 32 px is x4.6, 14 -> 32 px x2.3.
        run(Map.of(Lr0Config.SR_MAX_SCALE, "3"));

        assertDeadLettered("@7", "SCALE_TOO_LARGE", "above the maximum 3");
        assertEquals(
                keys("@native/bicubic", "@7/bicubic", "@14/bicubic", "@14/liif"),
                predictionKeys(),
                "the other methods and resolutions go on");
    }

    /** A variant at or above LIIF's target has nothing to recover: classified once, by the bicubic path only. */
    @Test
    void aVariantAtOrAboveTheTargetIsNotUpsampled() {
        run(Map.of(Lr0Config.SR_TARGET_SIZE, "14"));

        assertEquals(0, harness.rawOutput("image-variants-dlq").getQueueSize(), "nothing dead-lettered");
        assertEquals(keys("@native/bicubic", "@7/bicubic", "@7/liif", "@14/bicubic"), predictionKeys());
    }

    private void assertDeadLettered(String variantSuffix, String reason, String message) {
        List<TestRecord<byte[], byte[]>> deadLetters =
                harness.rawOutput("image-variants-dlq").readRecordsToList();
        assertEquals(
                keys(variantSuffix),
                new TreeSet<>(deadLetters.stream()
                        .map(record -> new String(record.key(), StandardCharsets.UTF_8))
                        .toList()));
        for (TestRecord<byte[], byte[]> deadLetter : deadLetters) {
            assertEquals(reason, header(deadLetter, DeadLetterHeaders.REASON));
            String said = header(deadLetter, DeadLetterHeaders.MESSAGE);
            assertTrue(said.contains(message), said);
            assertEquals("super-resolution", header(deadLetter, DeadLetterHeaders.PROCESSOR));
        }
    }
}
