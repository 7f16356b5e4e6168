package io.lr0.degrade;

import static io.lr0.testing.TopologyHarness.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.contract.DeadLetterHeaders;
import io.lr0.image.Degradations;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.schema.DegradationMethod;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import io.lr0.testing.TestImages;
import io.lr0.testing.TopologyHarness;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The degradation topology, driven by TopologyTestDriver with the registry in process. */
class DegradeTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyHarness harness;
    private TestInputTopic<String, ImageRecord> images;
    private TestOutputTopic<String, ImageVariant> variants;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        start(Map.of(Lr0Config.IMAGE_MAX_BYTES, "300000"));
    }

    private void start(Map<String, String> settings) {
        harness = TopologyHarness.start(stateDir, settings, null, null);
        images = harness.input("images", ImageRecord.class);
        variants = harness.output("image-variants", ImageVariant.class);
        deadLetters = harness.rawOutput("images-dlq");
    }

    @AfterEach
    void closeDriver() {
        harness.close();
    }

    @Test
    void fashionMnistImageBecomesFourLowResolutionsAndTheNative() {
        Raster digit = TestImages.gray(28, 28);
        ImageRecord record = TestImages.record("fm-1", "fashion-mnist", TestImages.raw(digit), "Bag");

        images.pipeInput("fm-1", record);

        Map<String, ImageVariant> byKey = variants.readKeyValuesToMap();
        assertEquals(
                List.of("fm-1@10", "fm-1@14", "fm-1@21", "fm-1@7", "fm-1@native"),
                byKey.keySet().stream().sorted().toList());
        ImageVariant seven = byKey.get("fm-1@7");
        assertEquals(7, seven.getResolution());
        assertEquals(DegradationMethod.PIL_BICUBIC, seven.getMethod());
        assertEquals(ImageEncoding.GRAY8, seven.getImage().getEncoding());
        assertEquals("Bag", seven.getLabel());
        assertEquals(28, seven.getNativeWidth());
        assertArrayEquals(
                Degradations.lowResolution(digit, 7).pixels(),
                bytes(seven.getImage().getData()));
        ImageVariant reference = byKey.get("fm-1@native");
        assertNull(reference.getResolution());
        assertEquals(DegradationMethod.NATIVE, reference.getMethod());
        assertArrayEquals(digit.pixels(), bytes(reference.getImage().getData()));
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void photoGetsTheDefaultResolutionsWithAspectKept() {
        images.pipeInput(
                "cat",
                TestImages.record(
                        "cat",
                        "photos",
                        TestImages.encoded(ImageEncoding.PNG, TestImages.fixture("chelsea.png")),
                        null));

        Map<String, ImageVariant> byKey = variants.readKeyValuesToMap();
        assertEquals(5, byKey.size());
        ImageVariant sixteen = byKey.get("cat@16");
        assertEquals(24, sixteen.getImage().getWidth());
        assertEquals(16, sixteen.getImage().getHeight());
        assertEquals(ImageEncoding.RGB8, sixteen.getImage().getEncoding());
        assertEquals(ImageEncoding.PNG, byKey.get("cat@native").getImage().getEncoding());
        Raster expected = ImageCodec.decodeFile(TestImages.fixture("chelsea-r16.png"), ImageLimits.DEFAULT);
        assertArrayEquals(expected.pixels(), bytes(sixteen.getImage().getData()), "Pillow-identical pixels");
    }

    @Test
    void resolutionsAtOrAboveTheShortSideAreSkipped() {
        images.pipeInput("small", TestImages.record("small", "photos", TestImages.raw(TestImages.gray(40, 20)), null));

        assertEquals(
                List.of("small@16", "small@native"),
                variants.readKeyValuesToMap().keySet().stream().sorted().toList());
    }

    @Test
    void perDatasetResolutionsOverrideTheDefault() {
        closeDriver();
        start(Map.of("degrade.resolutions.thumbs", "5,9", Lr0Config.DEGRADE_NATIVE, "false"));

        images.pipeInput("t", TestImages.record("t", "thumbs", TestImages.raw(TestImages.gray(30, 30)), null));

        assertEquals(
                List.of("t@5", "t@9"),
                variants.readKeyValuesToMap().keySet().stream().sorted().toList());
    }

    static Stream<Arguments> badImages() {
        byte[] png = TestImages.fixture("chelsea.png");
        byte[] jpeg = ImageCodec.encode(ImageCodec.decodeFile(png, ImageLimits.DEFAULT), "jpeg");
        return Stream.of(
                Arguments.of(
                        "truncated PNG",
                        TestImages.encoded(ImageEncoding.PNG, TestImages.truncated(png, 200)),
                        "CORRUPT_IMAGE"),
                Arguments.of(
                        "truncated JPEG",
                        TestImages.encoded(ImageEncoding.JPEG, TestImages.truncated(jpeg, jpeg.length / 2)),
                        "CORRUPT_IMAGE"),
                Arguments.of(
                        "PNG bytes declared JPEG",
                        TestImages.encoded(ImageEncoding.JPEG, TestImages.truncated(png, 4000)),
                        "CORRUPT_IMAGE"),
                Arguments.of(
                        "random bytes as PNG", TestImages.encoded(ImageEncoding.PNG, new byte[500]), "CORRUPT_IMAGE"),
                Arguments.of(
                        "unknown encoding",
                        TestImages.encoded(ImageEncoding.UNKNOWN, new byte[10]),
                        "UNKNOWN_ENCODING"),
                Arguments.of("zero width", TestImages.rawWithSize(ImageEncoding.GRAY8, 0, 10, 0), "BAD_DIMENSIONS"),
                Arguments.of(
                        "negative height", TestImages.rawWithSize(ImageEncoding.RGB8, 4, -4, 48), "BAD_DIMENSIONS"),
                Arguments.of(
                        "raw without size",
                        TestImages.rawWithSize(ImageEncoding.GRAY8, null, null, 16),
                        "BAD_DIMENSIONS"),
                Arguments.of(
                        "raw buffer too short",
                        TestImages.rawWithSize(ImageEncoding.GRAY8, 28, 28, 700),
                        "BAD_DIMENSIONS"),
                Arguments.of(
                        "decompression bomb",
                        TestImages.encoded(ImageEncoding.PNG, TestImages.pngDeclaring(100_000, 100_000)),
                        "PIXEL_LIMIT"),
                Arguments.of(
                        "PNG with zero size",
                        TestImages.encoded(ImageEncoding.PNG, TestImages.pngDeclaring(0, 64)),
                        "BAD_DIMENSIONS"),
                Arguments.of(
                        "payload over image.max.bytes",
                        TestImages.rawWithSize(ImageEncoding.GRAY8, 600, 600, 360_000),
                        "BYTE_LIMIT"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badImages")
    void badImageGoesToTheDeadLetterTopicAndTheStreamGoesOn(String what, Image image, String reason) {
        images.pipeInput("bad", TestImages.record("bad", "photos", image, null));
        pipeGoodImage();

        TestRecord<byte[], byte[]> deadLetter = deadLetters.readRecord();
        assertEquals(reason, header(deadLetter, DeadLetterHeaders.REASON), what);
        assertEquals("bad", new String(deadLetter.key(), StandardCharsets.UTF_8));
        assertEquals("images", header(deadLetter, DeadLetterHeaders.SOURCE_TOPIC));
        assertEquals("0", header(deadLetter, DeadLetterHeaders.SOURCE_PARTITION));
        assertEquals("0", header(deadLetter, DeadLetterHeaders.SOURCE_OFFSET));
        assertTrue(header(deadLetter, DeadLetterHeaders.MESSAGE).length() > 10, "a message saying what was wrong");
        assertTrue(deadLetters.isEmpty());
        // Counted on this instance's own metrics (each instance in a JVM has its registry), by topic and reason.
        assertEquals(
                1.0,
                harness.meters()
                        .counter(OperationalMetrics.DEAD_LETTERS, "topic", "images-dlq", "reason", reason)
                        .count(),
                what);
        assertEquals(
                List.of("good@16", "good@native"),
                variants.readKeyValuesToMap().keySet().stream().sorted().toList(),
                "the stream keeps running");
    }

    // Records that fail deserialization are dead-lettered too, but TopologyTestDriver does not surface those dead
    // letters: PipelineIT covers them against the real broker.

    private void pipeGoodImage() {
        images.pipeInput("good", TestImages.record("good", "photos", TestImages.raw(TestImages.gray(20, 20)), null));
    }

    static Stream<Arguments> oversizedText() {
        ImageRecord longId =
                TestImages.record("i".repeat(1025), "photos", TestImages.raw(TestImages.gray(20, 20)), null);
        ImageRecord longLabel =
                TestImages.record("l", "photos", TestImages.raw(TestImages.gray(20, 20)), "a".repeat(2000));
        ImageRecord bigAttributes = TestImages.record("a", "photos", TestImages.raw(TestImages.gray(20, 20)), null);
        bigAttributes.setAttributes(Map.of("note", "n".repeat(70_000)));
        return Stream.of(
                Arguments.of("id of 1,025 characters", longId, "the id has 1025 characters"),
                Arguments.of("label of 2,000 characters", longLabel, "the label has 2000 characters"),
                Arguments.of("attributes of 70,004 bytes", bigAttributes, "1 attributes of 70004 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oversizedText")
    void textEveryOutputWouldCopyIsBoundedBeforeAnythingIsWritten(String what, ImageRecord image, String message) {
        images.pipeInput("bad", image);
        pipeGoodImage();

        TestRecord<byte[], byte[]> deadLetter = deadLetters.readRecord();
        assertEquals("FIELD_LIMIT", header(deadLetter, DeadLetterHeaders.REASON), what);
        assertTrue(
                header(deadLetter, DeadLetterHeaders.MESSAGE).contains(message),
                header(deadLetter, DeadLetterHeaders.MESSAGE));
        assertEquals(
                List.of("good@16", "good@native"),
                variants.readKeyValuesToMap().keySet().stream().sorted().toList(),
                "nothing of the bad image was written, and the stream keeps running");
    }

    @Test
    void tombstoneIsDeadLettered() {
        images.pipeInput("gone", (ImageRecord) null);

        assertEquals("EMPTY_RECORD", header(deadLetters.readRecord(), DeadLetterHeaders.REASON));
        assertTrue(variants.isEmpty());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }
}
