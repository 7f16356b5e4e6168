package io.lr0.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** lr0's PNG writer against an independent decoder (ImageIO's reader), pixel for pixel. */
class PngWriterTest {

    @ParameterizedTest(name = "{0}x{1}, {2} channel(s)")
    @CsvSource({
        "1,1,1",
        "1,1,3",
        "300,1,1",
        "1,300,3",
        "28,28,1",
        "64,48,3",
        // Random noise does not compress: the output outgrows the writer's first buffer.
        "400,300,3"
    })
    void decodesToTheSamePixels(int width, int height, int channels) throws Exception {
        byte[] pixels = new byte[width * height * channels];
        new Random(width * 31L + height * 7L + channels).nextBytes(pixels);
        Raster raster = new Raster(width, height, channels, pixels);

        byte[] png = ImageCodec.encodePng(raster);
        // Twice through the same thread's writer: reused buffers must not leak between images.
        assertArrayEquals(png, ImageCodec.encodePng(raster));

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(width, decoded.getWidth());
        assertEquals(height, decoded.getHeight());
        assertEquals(channels, decoded.getRaster().getNumBands());
        byte[] back = (byte[]) decoded.getRaster().getDataElements(0, 0, width, height, null);
        assertArrayEquals(pixels, back);
        assertArrayEquals(
                pixels, ImageCodec.decodeFile(png, ImageLimits.DEFAULT).pixels());
    }
}
