package io.lr0.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernel against Pillow 9.4's own output on natural photos (fixtures from tools/make_pillow_fixtures.py). */
class PillowResizeTest {

    static Stream<String[]> cases() {
        String csv = new String(TestImages.fixture("cases.csv"), StandardCharsets.UTF_8);
        List<String> lines = csv.lines().skip(1).toList();
        assertTrue(lines.size() >= 28, "fixture list is incomplete");
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

    /**
     * The packed 64-bit sums (two rows, or two bytes, per multiply-add) against plain 32-bit sums, on odd and even
     * sizes, gray and RGB, down and up, with random and with hard black/white content (the kernel's negative lobes
     * then drive the sums below zero and above 255, where the packing's borrows would show).
     */
    @Test
    void packedSumsMatchPlainSums() {
        Random random = new Random(11);
        int[][] sizes = {
            {1, 1, 5, 3},
            {3, 5, 1, 2},
            {7, 1, 3, 1},
            {1, 9, 1, 4},
            {31, 17, 7, 5},
            {17, 31, 40, 9},
            {224, 223, 128, 127},
            {223, 224, 16, 16},
            {29, 28, 64, 61},
            {451, 301, 24, 16}
        };
        for (int channels : new int[] {1, 3}) {
            for (int[] size : sizes) {
                for (boolean hardEdges : new boolean[] {false, true}) {
                    Raster source = new Raster(size[0], size[1], channels, new byte[size[0] * size[1] * channels]);
                    random.nextBytes(source.pixels());
                    if (hardEdges) {
                        for (int i = 0; i < source.pixels().length; i++) {
                            source.pixels()[i] = (byte) (source.pixels()[i] < 0 ? 255 : 0);
                        }
                    }
                    assertArrayEquals(
                            plainResize(source, size[2], size[3]).pixels(),
                            PillowResize.resize(source, size[2], size[3]).pixels(),
                            Arrays.toString(size) + " x" + channels + (hardEdges ? " black/white" : ""));
                }
            }
        }
    }

    /** The same separable convolution written the obvious way: one 32-bit sum per output value. */
    private static Raster plainResize(Raster source, int outWidth, int outHeight) {
        int channels = source.channels();
        byte[] pixels = source.pixels();
        int width = source.width();
        if (outWidth != width) {
            PillowResize.Kernel kernel = PillowResize.Kernel.of(width, outWidth);
            byte[] out = new byte[outWidth * source.height() * channels];
            for (int y = 0; y < source.height(); y++) {
                for (int x = 0; x < outWidth; x++) {
                    for (int c = 0; c < channels; c++) {
                        int sum = 1 << 21;
                        for (int t = 0; t < kernel.count()[x]; t++) {
                            sum += (pixels[(y * width + kernel.first()[x] + t) * channels + c] & 0xFF)
                                    * kernel.weights()[x * kernel.taps() + t];
                        }
                        out[(y * outWidth + x) * channels + c] = (byte) Math.max(0, Math.min(255, sum >> 22));
                    }
                }
            }
            pixels = out;
            width = outWidth;
        }
        if (outHeight != source.height()) {
            PillowResize.Kernel kernel = PillowResize.Kernel.of(source.height(), outHeight);
            int row = width * channels;
            byte[] out = new byte[outHeight * row];
            for (int y = 0; y < outHeight; y++) {
                for (int i = 0; i < row; i++) {
                    int sum = 1 << 21;
                    for (int t = 0; t < kernel.count()[y]; t++) {
                        sum += (pixels[(kernel.first()[y] + t) * row + i] & 0xFF)
                                * kernel.weights()[y * kernel.taps() + t];
                    }
                    out[y * row + i] = (byte) Math.max(0, Math.min(255, sum >> 22));
                }
            }
            pixels = out;
        }
        return new Raster(outWidth, outHeight, channels, pixels);
    }

    @Test
    void transientResizeMatchesTheOwnedOneAndIsOverwrittenByTheNextCall() {
        Raster first = TestImages.gray(28, 28);
        Raster second = new Raster(28, 28, 1, first.pixels().clone());
        Arrays.fill(second.pixels(), 0, 100, (byte) 255);

        Raster transientFirst = PillowResize.resizeTransient(first, 32, 32);
        assertArrayEquals(PillowResize.resize(first, 32, 32).pixels(), transientFirst.pixels());
        Raster transientSecond = PillowResize.resizeTransient(second, 32, 32);
        assertArrayEquals(PillowResize.resize(second, 32, 32).pixels(), transientSecond.pixels());
        // Same size, same thread: the buffer is reused, which is what saves the allocation.
        assertTrue(transientFirst.pixels() == transientSecond.pixels());
        // RGB, both passes, a size that is not a square.
        Raster rgb = new Raster(30, 20, 3, new byte[30 * 20 * 3]);
        new Random(3).nextBytes(rgb.pixels());
        assertArrayEquals(
                PillowResize.resize(rgb, 48, 32).pixels(),
                PillowResize.resizeTransient(rgb, 48, 32).pixels());
    }
}
