package io.lr0.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.schema.ImageEncoding;
import io.lr0.testing.RequiredTools;
import io.lr0.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JPEGs through libjpeg-turbo against ImageIO, the fallback: the same pixels, and the same dead-letter reason for
 * every hostile JPEG of the poison corpus.
 */
class TurboJpegIT {

    @BeforeAll
    static void libjpegTurboIsInstalled() {
        RequiredTools.require("libturbojpeg-java", "libturbojpeg0-dev");
        assertTrue(TurboJpeg.available(), "libjpeg-turbo's Java binding did not load: see the log");
    }

    @Test
    void bothDecodersGiveTheSamePixels() {
        for (String photo : List.of("chelsea.png", "coffee.png", "camera.png")) {
            Raster source = ImageCodec.decodeFile(TestImages.fixture(photo), ImageLimits.DEFAULT);
            // Odd sizes too: chroma subsampling has a partial block at the edges.
            for (Raster image : List.of(source, Degradations.lowResolution(source, 61))) {
                byte[] jpeg = ImageCodec.encode(image, "jpeg");
                Raster turbo = ImageCodec.decodeFile(jpeg, ImageLimits.DEFAULT);
                Raster imageIo = ImageCodec.decodeWithImageIo(null, jpeg, ImageLimits.DEFAULT);
                String what = photo + " " + image.width() + "x" + image.height();
                assertEquals(image.channels(), turbo.channels(), what + ": gray stays one channel");
                assertEquals(imageIo.width(), turbo.width(), what);
                assertEquals(imageIo.height(), turbo.height(), what);
                assertArrayEquals(imageIo.pixels(), turbo.pixels(), what);
            }
        }
    }

    @Test
    void hostileJpegsAreRefusedForTheSameReasonByBoth() {
        String corpus = new String(TestImages.resource("/poison/corpus.tsv"), StandardCharsets.UTF_8);
        int checked = 0;
        for (String line : corpus.lines()
                .filter(l -> !l.startsWith("#") && !l.startsWith("name"))
                .toList()) {
            String[] field = line.split("\t");
            if (!field[2].equals("JPEG") || !field[5].endsWith(".jpg")) {
                continue;
            }
            byte[] payload = TestImages.resource("/poison/" + field[5]);
            BadImageException.Reason expected = BadImageException.Reason.valueOf(field[6]);
            assertEquals(
                    expected,
                    assertThrows(
                                    BadImageException.class,
                                    () -> ImageCodec.decode(
                                            TestImages.encoded(ImageEncoding.JPEG, payload), ImageLimits.DEFAULT))
                            .reason(),
                    field[0] + " (libjpeg-turbo)");
            assertEquals(
                    expected,
                    assertThrows(
                                    BadImageException.class,
                                    () -> ImageCodec.decodeWithImageIo("JPEG", payload, ImageLimits.DEFAULT))
                            .reason(),
                    field[0] + " (ImageIO)");
            checked++;
        }
        assertTrue(checked >= 5, "the corpus lost its JPEGs: " + checked);
    }

    /** With image.max.pixels raised past what one array holds, a huge JPEG is refused, not a crash. */
    @Test
    void aJpegLargerThanOneArrayIsAPixelLimit() {
        Raster photo = ImageCodec.decodeFile(TestImages.fixture("coffee.png"), ImageLimits.DEFAULT);
        byte[] jpeg = ImageCodec.encode(photo, "jpeg");
        // The frame header's size set to 65,000 x 65,000: 12.7 billion bytes of RGB.
        int frame = 2;
        while (!((jpeg[frame] & 0xFF) == 0xFF && (jpeg[frame + 1] & 0xFF) == 0xC0)) {
            frame += 2 + (((jpeg[frame + 2] & 0xFF) << 8) | (jpeg[frame + 3] & 0xFF));
        }
        for (int at : new int[] {frame + 5, frame + 7}) {
            jpeg[at] = (byte) (65_000 >> 8);
            jpeg[at + 1] = (byte) 65_000;
        }
        assertEquals(
                BadImageException.Reason.PIXEL_LIMIT,
                assertThrows(
                                BadImageException.class,
                                () -> ImageCodec.decodeFile(jpeg, new ImageLimits(1L << 30, 5_000_000_000L)))
                        .reason());
    }

    @Test
    void aTruncatedPhotoIsCorruptNotGrayFilled() {
        Raster photo = ImageCodec.decodeFile(TestImages.fixture("coffee.png"), ImageLimits.DEFAULT);
        byte[] jpeg = ImageCodec.encode(photo, "jpeg");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
        assertEquals(
                BadImageException.Reason.CORRUPT_IMAGE,
                assertThrows(BadImageException.class, () -> ImageCodec.decodeFile(truncated, ImageLimits.DEFAULT))
                        .reason());
    }
}
