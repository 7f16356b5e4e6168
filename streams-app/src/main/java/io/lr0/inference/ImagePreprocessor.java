package io.lr0.inference;

import io.lr0.image.BadImageException;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.PillowResize;
import io.lr0.image.Raster;

/**
 * LR0.FM's pre-processing of a (low-resolution) image for the model: Pillow bicubic to the model's input size on
 * the short side (up-sampling for low resolutions), centre crop to a square as torchvision's CenterCrop does, gray
 * to RGB, scaled to [0, 1] and normalised with the model's mean and std, laid out channels-first.
 */
public final class ImagePreprocessor {
    private static final int THUMBNAIL_SIDE = 64;
    /** 64 x 1,024: at most 192 KiB of RGB, so a prediction with its thumbnail stays far below 1 MiB. */
    private static final long MAX_THUMBNAIL_PIXELS = 64 * 1024;

    private final int size;
    private final float[] scale = new float[3];
    private final float[] shift = new float[3];

    public ImagePreprocessor(ModelSpec spec) {
        this.size = spec.inputSize();
        for (int c = 0; c < 3; c++) {
            // (x / 255 - mean) / std folded into one multiply-add per value.
            scale[c] = 1f / (255f * spec.std()[c]);
            shift[c] = -spec.mean()[c] / spec.std()[c];
        }
    }

    /**
     * The image as classified, at most 64 px on its short side, as PNG: the thumbnail a prediction carries; null,
     * decided before any resize or encoding, when it would have more than 65,536 pixels (a strip long enough to
     * keep a long side over 1,024 px), which would make the prediction too large to write.
     */
    public static byte[] thumbnailPng(Raster image) {
        boolean small = image.shortSide() <= THUMBNAIL_SIDE;
        int[] size = small
                ? new int[] {image.width(), image.height()}
                : PillowResize.sizeForShortSide(image.width(), image.height(), THUMBNAIL_SIDE);
        if ((long) size[0] * size[1] > MAX_THUMBNAIL_PIXELS) {
            return null;
        }
        return ImageCodec.encodePng(small ? image : PillowResize.resize(image, size[0], size[1]));
    }

    /** Floats per image in the model's input. */
    public int valuesPerImage() {
        return 3 * size * size;
    }

    /**
     * Refuses, on arrival, an image whose resize to the input size would exceed the pixel limit (a 1 x 100,000
     * strip grows to 32 x 3,200,000): the batch that pre-processes it later must not fail.
     */
    public void checkResizable(Raster image, ImageLimits limits) {
        int[] resized = resizedSize(image);
        if ((long) resized[0] * resized[1] > limits.maxPixels()) {
            throw new BadImageException(
                    BadImageException.Reason.PIXEL_LIMIT,
                    "a " + image.width() + "x"
                            + image.height() + " image resized to the model's " + size + " px short side would be "
                            + resized[0] + "x" + resized[1] + ", over image.max.pixels=" + limits.maxPixels());
        }
    }

    /** The image's size with the input size as its short side (before the centre crop). */
    private int[] resizedSize(Raster image) {
        return PillowResize.sizeForShortSide(image.width(), image.height(), size);
    }

    /** Writes the model input for {@code image} into {@code target} at image slot {@code slot}. */
    public void write(Raster image, float[] target, int slot) {
        Raster resized = image;
        if (image.shortSide() != size) {
            // Read right away into the model input: the resize goes to a reused per-thread buffer.
            int[] resizedSize = resizedSize(image);
            resized = PillowResize.resizeTransient(image, resizedSize[0], resizedSize[1]);
        }
        // torchvision's CenterCrop rounds half to even (Python's round()).
        int top = (int) Math.rint((resized.height() - size) / 2.0);
        int left = (int) Math.rint((resized.width() - size) / 2.0);
        int plane = size * size;
        int base = slot * valuesPerImage();
        byte[] pixels = resized.pixels();
        int channels = resized.channels();
        for (int y = 0; y < size; y++) {
            int row = ((top + y) * resized.width() + left) * channels;
            for (int x = 0; x < size; x++) {
                int at = row + x * channels;
                for (int c = 0; c < 3; c++) {
                    int value = pixels[at + (channels == 1 ? 0 : c)] & 0xFF;
                    target[base + c * plane + y * size + x] = value * scale[c] + shift[c];
                }
            }
        }
    }
}
