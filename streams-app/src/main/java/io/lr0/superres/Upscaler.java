package io.lr0.superres;

import io.lr0.image.Raster;
import java.util.List;

/** Up-samples images to a target size. One instance per thread; close it when done. */
public interface Upscaler extends AutoCloseable {
    /** The method's name as predictions carry it ({@link SuperResolution#BICUBIC}, {@link SuperResolution#LIIF}). */
    String method();

    /**
     * Up-samples a batch of images that share one size to {@code width} x {@code height}. The caller has checked the
     * request with {@link UpscaleTarget}.
     */
    List<Raster> upscale(List<Raster> images, int width, int height);

    @Override
    default void close() {}
}
