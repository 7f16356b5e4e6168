package io.lr0.superres;

import io.lr0.image.BadImageException;
import io.lr0.image.PillowResize;
import io.lr0.image.Raster;

/** The size an image is up-sampled to, checked: super-resolution only enlarges, and by a bounded factor. */
public record UpscaleTarget(int width, int height) {

    /** The size with short side {@code shortSide} and the image's aspect ratio (as the model's resize computes it). */
    public static UpscaleTarget forShortSide(Raster image, int shortSide, double maxScale) {
        int[] size = PillowResize.sizeForShortSide(image.width(), image.height(), shortSide);
        return of(image, size[0], size[1], maxScale);
    }

    /** {@code image} scaled by {@code scale} on both sides. */
    public static UpscaleTarget forScale(Raster image, double scale, double maxScale) {
        return of(image, (int) Math.round(image.width() * scale), (int) Math.round(image.height() * scale), maxScale);
    }

    /**
     * An explicit size.
     *
     * @throws BadImageException TARGET_SMALLER_THAN_SOURCE when a side would shrink, SCALE_TOO_LARGE when a side
     *                           would grow by more than {@code maxScale}
     */
    public static UpscaleTarget of(Raster image, int width, int height, double maxScale) {
        String request = image.width() + "x" + image.height() + " -> " + width + "x" + height;
        if (width < image.width() || height < image.height()) {
            throw new BadImageException(
                    BadImageException.Reason.TARGET_SMALLER_THAN_SOURCE,
                    "super-resolution target is smaller than the source (" + request + "); it only enlarges");
        }
        double scale = Math.max((double) width / image.width(), (double) height / image.height());
        if (scale > maxScale) {
            throw new BadImageException(
                    BadImageException.Reason.SCALE_TOO_LARGE,
                    String.format(
                            "super-resolution scale %.2f is above the maximum %.0f (%s)", scale, maxScale, request));
        }
        return new UpscaleTarget(width, height);
    }
}
