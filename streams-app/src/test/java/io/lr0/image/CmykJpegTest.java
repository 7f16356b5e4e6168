package io.lr0.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lr0.testing.TestImages;
import org.junit.jupiter.api.Test;

/**
 * CMYK JPEGs (some photos of Food-101, SUN397, Oxford-IIIT Pet and ImageNet) decode to Pillow's RGB exactly, stored
 * as CMYK and as YCCK (fixtures from tools/make_cmyk_fixtures.py). ImageIO's own conversion was off by 48/255 on
 * average, 65 at most: they were classified on wrong pixels, silently.
 */
class CmykJpegTest {
    @Test
    void cmykAndYcckJpegsDecodeAsPillowDecodesThem() {
        for (String name : new String[] {"cmyk", "ycck"}) {
            Raster decoded = ImageCodec.decodeFile(TestImages.resource("/cmyk/" + name + ".jpg"), ImageLimits.DEFAULT);
            Raster pillow = ImageCodec.decodeFile(
                    TestImages.resource("/cmyk/" + name + "-pillow-rgb.png"), ImageLimits.DEFAULT);
            assertEquals(3, decoded.channels(), name);
            assertEquals(pillow.width(), decoded.width(), name);
            assertEquals(pillow.height(), decoded.height(), name);
            assertArrayEquals(pillow.pixels(), decoded.pixels(), name + ": Pillow's pixels, each one");
        }
    }
}
