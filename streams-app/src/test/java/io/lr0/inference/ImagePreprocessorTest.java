package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.lr0.image.PillowResize;
import io.lr0.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model input against LR0.FM's transform written step by step: Pillow bicubic to the input size on the short
 * side, torchvision's centre crop, gray to RGB, (x / 255 - mean) / std, channels first.
 */
class ImagePreprocessorTest {
    private static final ModelSpec CLIP = ModelSpec.clipDefaults("test");

    @Test
    void theModelInputIsResizeThenCentreCropThenNormalise() {
        Random random = new Random(7);
        // Up and down, landscape and portrait, odd margins (half-even rounding), gray and RGB, square at the size.
        int[][] sizes = {{16, 21}, {21, 16}, {375, 500}, {501, 375}, {7, 7}, {224, 224}, {224, 301}, {33, 1000}};
        for (int channels : new int[] {1, 3}) {
            for (int[] size : sizes) {
                Raster image = new Raster(size[0], size[1], channels, new byte[size[0] * size[1] * channels]);
                random.nextBytes(image.pixels());
                ImagePreprocessor preprocessor = new ImagePreprocessor(CLIP);
                float[] actual = new float[2 * preprocessor.valuesPerImage()];
                preprocessor.write(preprocessor.prepare(image, false), actual, 1);
                float[] expected = new float[2 * preprocessor.valuesPerImage()];
                System.arraycopy(
                        stepByStep(image, CLIP),
                        0,
                        expected,
                        preprocessor.valuesPerImage(),
                        preprocessor.valuesPerImage());
                assertArrayEquals(expected, actual, size[0] + "x" + size[1] + "x" + channels);
            }
        }
    }

    /** A GPU gets 8-bit planes and normalises them itself: the features must be those of the float input. */
    @Test
    void planesNormalisedOnTheDeviceGiveTheFeaturesOfTheFloatInput(@TempDir Path cache) throws IOException {
        try (ZeroShotModel model = Models.load(Models.BUNDLED, "", cache);
                ImageEncoder encoder = model.newImageEncoder()) {
            ImagePreprocessor preprocessor = new ImagePreprocessor(model.spec());
            Random random = new Random(3);
            int count = 3;
            float[] floats = new float[count * preprocessor.valuesPerImage()];
            byte[] planes = new byte[count * preprocessor.valuesPerImage()];
            for (int i = 0; i < count; i++) {
                int channels = i == 0 ? 1 : 3;
                Raster image = new Raster(20 + i, 17, channels, new byte[(20 + i) * 17 * channels]);
                random.nextBytes(image.pixels());
                ImagePreprocessor.Prepared prepared = preprocessor.prepare(image, false);
                preprocessor.write(prepared, floats, i);
                preprocessor.writePlanes(prepared, planes, i);
            }
            float[][] fromFloats = encoder.encode(floats, count);
            float[][] fromPlanes = encoder.encode(planes, count);
            for (int i = 0; i < count; i++) {
                assertArrayEquals(fromFloats[i], fromPlanes[i], "image " + i);
            }
        }
    }

    private static float[] stepByStep(Raster image, ModelSpec spec) {
        int size = spec.inputSize();
        int[] resizedSize = PillowResize.sizeForShortSide(image.width(), image.height(), size);
        Raster resized = PillowResize.resize(image, resizedSize[0], resizedSize[1]);
        int top = (int) Math.rint((resized.height() - size) / 2.0);
        int left = (int) Math.rint((resized.width() - size) / 2.0);
        float[] out = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int at = ((top + y) * resized.width() + left + x) * resized.channels()
                            + (resized.channels() == 1 ? 0 : c);
                    int value = resized.pixels()[at] & 0xFF;
                    out[c * size * size + y * size + x] =
                            value * (1f / (255f * spec.std()[c])) + -spec.mean()[c] / spec.std()[c];
                }
            }
        }
        return out;
    }
}
