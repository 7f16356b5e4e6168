package io.lr0.image;

/**
 * Guards applied before an image is decoded: the payload size, and the pixel count declared by its header (so a
 * small file that claims gigapixels, a decompression bomb, is refused without allocating its buffer).
 */
public record ImageLimits(long maxBytes, long maxPixels) {
    /** 16 MiB of payload and 40 megapixels: a large photo passes, a bomb does not. */
    public static final ImageLimits DEFAULT = new ImageLimits(16L << 20, 40_000_000L);

    public ImageLimits {
        if (maxBytes <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException(
                    "limits must be positive: maxBytes=" + maxBytes + ", maxPixels=" + maxPixels);
        }
    }

    void checkBytes(long bytes) {
        if (bytes > maxBytes) {
            throw new BadImageException(
                    BadImageException.Reason.BYTE_LIMIT,
                    "payload of " + bytes + " bytes exceeds image.max.bytes=" + maxBytes);
        }
    }

    void checkSize(long width, long height) {
        if (width <= 0 || height <= 0) {
            throw new BadImageException(
                    BadImageException.Reason.BAD_DIMENSIONS, "image size " + width + "x" + height + " is not positive");
        }
        if (width * height > maxPixels) {
            throw new BadImageException(
                    BadImageException.Reason.PIXEL_LIMIT,
                    "image declares " + width + "x" + height + " = " + width * height
                            + " pixels, over image.max.pixels=" + maxPixels);
        }
    }
}
