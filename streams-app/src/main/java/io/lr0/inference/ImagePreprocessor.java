package io.lr0.inference;

import io.lr0.image.BadImageException;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.PillowResize;
import io.lr0.image.PillowResize.Output;
import io.lr0.image.PillowResize.RasterRows;
import io.lr0.image.Raster;
import java.util.ArrayList;
import java.util.List;

/**
 * LR0.FM's pre-processing of a (low-resolution) image for the model: Pillow bicubic to the model's input size on
 * the short side (up-sampling for low resolutions), centre crop to a square as torchvision's CenterCrop does, gray
 * to RGB, scaled to [0, 1] and normalised with the model's mean and std, laid out channels-first. In two steps: on a
 * variant's arrival the crop is resized to 8-bit planes, in the same pass over the image as its thumbnail; at batch
 * time the planes are normalised into the batch's input.
 */
public final class ImagePreprocessor {
    /** The dashboard draws each prediction's image in a 64 x 64 px box: a thumbnail need not be larger. */
    private static final int THUMBNAIL_BOX = 64;

    private final int size;
    /** Per channel, the normalised value of each 8-bit value: (x / 255 - mean) / std. */
    private final float[][] normalised = new float[3][256];

    public ImagePreprocessor(ModelSpec spec) {
        this.size = spec.inputSize();
        for (int c = 0; c < 3; c++) {
            for (int value = 0; value < 256; value++) {
                normalised[c][value] = value * spec.normalisationScale(c) + spec.normalisationShift(c);
            }
        }
    }

    /**
     * A variant ready for its batch: the centre crop at the model's input size as 8-bit planes, channels first (one
     * plane for gray), and the thumbnail PNG (null when not asked for).
     */
    public record Prepared(byte[] planes, int channels, byte[] thumbnailPng) {}

    /**
     * The model's crop of {@code image} and, when {@code thumbnail}, the image fitted into the dashboard's 64 x 64
     * px box (aspect ratio kept, never enlarged; a low-resolution variant is its own thumbnail), in one pass.
     */
    public Prepared prepare(Raster image, boolean thumbnail) {
        int[] resized = resizedSize(image);
        // torchvision's CenterCrop rounds half to even (Python's round()).
        int top = (int) Math.rint((resized[1] - size) / 2.0);
        int left = (int) Math.rint((resized[0] - size) / 2.0);
        int plane = size * size;
        byte[] planes = new byte[image.channels() * plane];
        List<Output> outputs = new ArrayList<>(2);
        outputs.add(new Output(resized[0], resized[1], left, top, size, size, (channel, y, values) -> {
            int at = channel * plane + y * size;
            for (int x = 0; x < size; x++) {
                planes[at + x] = (byte) values[x];
            }
        }));
        int[] thumbnailSize = thumbnail ? thumbnailSize(image) : null;
        RasterRows thumbnailRows = null;
        if (thumbnailSize != null) {
            thumbnailRows = new RasterRows(thumbnailSize[0], thumbnailSize[1], image.channels());
            outputs.add(Output.whole(thumbnailSize[0], thumbnailSize[1], thumbnailRows));
        }
        PillowResize.resize(image, outputs);
        byte[] png = null;
        if (thumbnail) {
            png = ImageCodec.encodePng(thumbnailRows != null ? thumbnailRows.raster() : image);
        }
        return new Prepared(planes, image.channels(), png);
    }

    /** The thumbnail's size when {@code image} does not fit the box (long side to 64 px), else null. */
    private static int[] thumbnailSize(Raster image) {
        int longSide = Math.max(image.width(), image.height());
        if (longSide <= THUMBNAIL_BOX) {
            return null;
        }
        // The short side truncated as the short-side sizes are, at least 1 px.
        return new int[] {
            Math.max(1, (int) ((long) image.width() * THUMBNAIL_BOX / longSide)),
            Math.max(1, (int) ((long) image.height() * THUMBNAIL_BOX / longSide))
        };
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

    /**
     * Writes the 8-bit planes of {@code prepared} into {@code target} at image slot {@code slot}, gray repeated into
     * three channels: for an encoder that normalises them where the model runs ({@link ImageEncoder#takesPlanes}).
     */
    public void writePlanes(Prepared prepared, byte[] target, int slot) {
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            System.arraycopy(
                    prepared.planes(),
                    prepared.channels() == 1 ? 0 : c * plane,
                    target,
                    slot * valuesPerImage() + c * plane,
                    plane);
        }
    }

    /** Writes the normalised model input of {@code prepared} into {@code target} at image slot {@code slot}. */
    public void write(Prepared prepared, float[] target, int slot) {
        int plane = size * size;
        int base = slot * valuesPerImage();
        byte[] planes = prepared.planes();
        for (int c = 0; c < 3; c++) {
            // Gray is repeated into the three channels, as Pillow's convert("RGB") does.
            int from = prepared.channels() == 1 ? 0 : c * plane;
            float[] values = normalised[c];
            int at = base + c * plane;
            for (int i = 0; i < plane; i++) {
                target[at + i] = values[planes[from + i] & 0xFF];
            }
        }
    }
}
