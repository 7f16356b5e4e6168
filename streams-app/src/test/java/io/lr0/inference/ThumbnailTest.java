package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.testing.TestImages;
import org.junit.jupiter.api.Test;

/** A prediction's thumbnail: at most 64 px on its short side, and none at all for a strip too long to carry. */
class ThumbnailTest {

    @Test
    void anImageIsShrunkTo64PxOnItsShortSide() {
        Raster thumbnail =
                ImageCodec.decodeFile(ImagePreprocessor.thumbnailPng(TestImages.gray(200, 100)), ImageLimits.DEFAULT);
        assertEquals(128, thumbnail.width());
        assertEquals(64, thumbnail.height());
    }

    @Test
    void aStripWhoseThumbnailWouldExceed65536PixelsGetsNone() {
        // 64 x 1,024 is the most; a 2 px strip keeps its size, a 128 px one is halved first.
        assertNotNull(ImagePreprocessor.thumbnailPng(TestImages.gray(1024, 64)));
        assertNull(ImagePreprocessor.thumbnailPng(TestImages.gray(40_000, 2)));
        assertNull(ImagePreprocessor.thumbnailPng(TestImages.gray(4200, 128)));
    }
}
