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
     * The vector kernel (transposed strips, sums of whole columns and rows, up to four taps per loop, a branch-free
     * clip) against plain 32-bit sums, on odd and even sizes, gray and RGB, down and up, taller than one strip, with
     * random and with hard black/white content (the kernel's negative lobes then drive the sums below zero and
     * above 255, where the clip shows); each size alone, all sizes of one source in one pass, and a window.
     */
    @Test
    void vectorKernelMatchesPlainSums() {
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
            {451, 301, 24, 16},
            {50, 900, 13, 200},
            {40, 30, 40, 90},
            {40, 30, 90, 30}
        };
        for (int channels : new int[] {1, 3}) {
            for (int[] size : sizes) {
                for (boolean hardEdges : new boolean[] {false, true}) {
                    Raster source = randomRaster(random, size[0], size[1], channels, hardEdges);
                    String what = Arrays.toString(size) + " x" + channels + (hardEdges ? " black/white" : "");
                    Raster expected = plainResize(source, size[2], size[3]);
                    assertArrayEquals(
                            expected.pixels(),
                            PillowResize.resize(source, size[2], size[3]).pixels(),
                            what);
                    int left = size[2] / 3;
                    int top = size[3] / 4;
                    int windowWidth = Math.max(1, size[2] / 2);
                    int windowHeight = Math.max(1, size[3] - top - 1);
                    byte[] window = new byte[windowWidth * windowHeight * channels];
                    PillowResize.resize(
                            source,
                            List.of(new PillowResize.Output(
                                    size[2], size[3], left, top, windowWidth, windowHeight, (c, y, values) -> {
                                        for (int x = 0; x < windowWidth; x++) {
                                            window[(y * windowWidth + x) * channels + c] = (byte) values[x];
                                        }
                                    })));
                    assertArrayEquals(crop(expected, left, top, windowWidth, windowHeight), window, what + " window");
                }
            }
        }
    }

    @Test
    void allSizesInOnePassMatchEachAlone() {
        Raster source = randomRaster(new Random(5), 500, 375, 3, false);
        int[][] sizes = {{21, 16}, {42, 32}, {85, 64}, {170, 128}, {500, 375}, {298, 224}};
        Raster[] together = PillowResize.resizeAll(source, sizes);
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(
                    plainResize(source, sizes[i][0], sizes[i][1]).pixels(),
                    together[i].pixels(),
                    Arrays.toString(sizes[i]));
        }
        // The same size: a copy, as Pillow returns one.
        assertArrayEquals(source.pixels(), together[4].pixels());
        assertTrue(source.pixels() != together[4].pixels());
    }

    private static Raster randomRaster(Random random, int width, int height, int channels, boolean hardEdges) {
        Raster source = new Raster(width, height, channels, new byte[width * height * channels]);
        random.nextBytes(source.pixels());
        if (hardEdges) {
            for (int i = 0; i < source.pixels().length; i++) {
                source.pixels()[i] = (byte) (source.pixels()[i] < 0 ? 255 : 0);
            }
        }
        return source;
    }

    private static byte[] crop(Raster raster, int left, int top, int width, int height) {
        int channels = raster.channels();
        byte[] out = new byte[width * height * channels];
        for (int y = 0; y < height; y++) {
            System.arraycopy(
                    raster.pixels(),
                    ((top + y) * raster.width() + left) * channels,
                    out,
                    y * width * channels,
                    width * channels);
        }
        return out;
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
}
