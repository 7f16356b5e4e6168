package io.lr0.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernel against Pillow 9.4's own output on natural photos (fixtures from tools/make_pillow_fixtures.py). */
class PillowResizeTest {

    static Stream<String[]> cases() {
        String csv = new String(TestImages.fixture("cases.csv"), StandardCharsets.UTF_8);
        List<String> lines = csv.lines().skip(1).toList();
        assertTrue(lines.size() >= 18, "fixture list is incomplete");
        return lines.stream().map(line -> line.split(",", -1));
    }

    @ParameterizedTest(name = "{0} r={1} up={2}")
    @MethodSource("cases")
    void matchesPillowBicubic(String input, String resolution, String upsample, String expected) {
        Raster photo = ImageCodec.decodeFile(TestImages.fixture(input), ImageLimits.DEFAULT);
        Raster reference = ImageCodec.decodeFile(TestImages.fixture(expected), ImageLimits.DEFAULT);

        Raster result = Degradations.lowResolution(photo, Integer.parseInt(resolution));
        if (!upsample.isEmpty()) {
            result = Degradations.toShortSide(result, Integer.parseInt(upsample));
        }

        assertEquals(reference.width(), result.width(), "width");
        assertEquals(reference.height(), result.height(), "height");
        double psnr = TestImages.psnr(reference, result);
        assertTrue(psnr >= 45.0, "PSNR " + psnr + " dB against Pillow is below 45 dB");
        assertArrayEquals(reference.pixels(), result.pixels(), "bit-identical to Pillow (docs/degradation.md)");
    }

    @Test
    void shortSideSizeTruncatesLikeTorchvision() {
        assertArrayEquals(new int[] {24, 16}, PillowResize.sizeForShortSide(451, 300, 16));
        assertArrayEquals(new int[] {16, 24}, PillowResize.sizeForShortSide(300, 451, 16));
        assertArrayEquals(new int[] {7, 7}, PillowResize.sizeForShortSide(28, 28, 7));
    }

    @Test
    void cubicKernelHasPillowShape() {
        assertEquals(1.0, PillowResize.bicubic(0), 1e-12);
        assertEquals(0.0, PillowResize.bicubic(1), 1e-12);
        assertEquals(-0.0625, PillowResize.bicubic(1.5), 1e-12);
        assertEquals(0.0, PillowResize.bicubic(2.5), 1e-12);
    }

    @Test
    void transientResizeMatchesTheOwnedOneAndIsOverwrittenByTheNextCall() {
        Raster first = TestImages.gray(28, 28);
        Raster second = new Raster(28, 28, 1, first.pixels().clone());
        java.util.Arrays.fill(second.pixels(), 0, 100, (byte) 255);

        Raster transientFirst = PillowResize.resizeTransient(first, 32, 32);
        assertArrayEquals(PillowResize.resize(first, 32, 32).pixels(), transientFirst.pixels());
        Raster transientSecond = PillowResize.resizeTransient(second, 32, 32);
        assertArrayEquals(PillowResize.resize(second, 32, 32).pixels(), transientSecond.pixels());
        // Same size, same thread: the buffer is reused, which is what saves the allocation.
        assertTrue(transientFirst.pixels() == transientSecond.pixels());
        // RGB, both passes, a size that is not a square.
        Raster rgb = new Raster(30, 20, 3, new byte[30 * 20 * 3]);
        new java.util.Random(3).nextBytes(rgb.pixels());
        assertArrayEquals(PillowResize.resize(rgb, 48, 32).pixels(), PillowResize.resizeTransient(rgb, 48, 32).pixels());
    }
}
