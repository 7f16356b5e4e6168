package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.testing.TestImages;
import org.junit.jupiter.api.Test;

/** A prediction's thumbnail: the image fitted into the dashboard's 64 px box, a small one as it is. */
class ThumbnailTest {

    @Test
    void anImageIsFittedIntoA64PxBox() {
        assertSize(64, 32, TestImages.gray(200, 100));
        assertSize(21, 64, TestImages.gray(100, 300));
        assertSize(64, 1, TestImages.gray(40_000, 2));
    }

    @Test
    void anImageThatFitsIsItsOwnThumbnail() {
        Raster small = TestImages.gray(64, 20);
        assertArrayEquals(small.pixels(), decode(thumbnailPng(small)).pixels());
    }

    private static void assertSize(int width, int height, Raster image) {
        Raster thumbnail = decode(thumbnailPng(image));
        assertEquals(width, thumbnail.width());
        assertEquals(height, thumbnail.height());
    }

    private static byte[] thumbnailPng(Raster image) {
        return new ImagePreprocessor(ModelSpec.clipDefaults("test"))
                .prepare(image, true)
                .thumbnailPng();
    }

    private static Raster decode(byte[] png) {
        return ImageCodec.decodeFile(png, ImageLimits.DEFAULT);
    }
}
