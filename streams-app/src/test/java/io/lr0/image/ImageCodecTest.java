package io.lr0.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import io.lr0.testing.TestImages;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A record decoded twice on one thread (the native variant, chained after the degradation) is decoded once. */
class ImageCodecTest {
    private final byte[] png = ImageCodec.encodePng(TestImages.flat(40, 30, 200, 100, 50));

    @Test
    void theSameRecordDecodedAgainOnTheSameThreadIsNotDecodedAgain() {
        Image image = TestImages.encoded(ImageEncoding.PNG, png);
        Raster first = ImageCodec.decode(image, ImageLimits.DEFAULT);
        assertSame(first, ImageCodec.decode(image, ImageLimits.DEFAULT));
    }

    @Test
    void anotherRecordWithTheSameBytesOrNewBytesInTheSameRecordIsDecoded() {
        Image image = TestImages.encoded(ImageEncoding.PNG, png);
        Raster first = ImageCodec.decode(image, ImageLimits.DEFAULT);
        Raster other = ImageCodec.decode(TestImages.encoded(ImageEncoding.PNG, png), ImageLimits.DEFAULT);
        assertNotSame(first, other);
        assertArrayEquals(first.pixels(), other.pixels());
        image.setData(ByteBuffer.wrap(ImageCodec.encodePng(TestImages.flat(20, 10, 0, 0, 0))));
        assertEquals(20, ImageCodec.decode(image, ImageLimits.DEFAULT).width());
    }

    @Test
    void anotherThreadDecodesItself() throws InterruptedException {
        Image image = TestImages.encoded(ImageEncoding.PNG, png);
        Raster first = ImageCodec.decode(image, ImageLimits.DEFAULT);
        AtomicReference<Raster> onOtherThread = new AtomicReference<>();
        Thread other = new Thread(() -> onOtherThread.set(ImageCodec.decode(image, ImageLimits.DEFAULT)));
        other.start();
        other.join();
        assertNotSame(first, onOtherThread.get());
    }

    @Test
    void theLimitsOfTheSecondDecodeStillHold() {
        Image image = TestImages.encoded(ImageEncoding.PNG, png);
        ImageCodec.decode(image, ImageLimits.DEFAULT);
        BadImageException tooLarge =
                assertThrows(BadImageException.class, () -> ImageCodec.decode(image, new ImageLimits(1 << 20, 1000)));
        assertEquals(BadImageException.Reason.PIXEL_LIMIT, tooLarge.reason());
        assertThrows(BadImageException.class, () -> ImageCodec.decode(image, new ImageLimits(10, 1000)));
    }
}
