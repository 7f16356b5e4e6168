package io.lr0.image;

import java.util.List;

/** The LR0.FM resolution operations on a decoded image, shared by the stream and the command line. */
public final class Degradations {
    private Degradations() {}

    /**
     * The low-resolution version: short side {@code resolution} pixels, aspect ratio kept, Pillow bicubic with
     * antialiasing. A resolution at or above the image's short side is not a degradation and is refused.
     */
    public static Raster lowResolution(Raster image, int resolution) {
        return lowResolutions(image, List.of(resolution))[0];
    }

    /** The low-resolution versions for each of {@code resolutions}, in one pass over the image (see above). */
    public static Raster[] lowResolutions(Raster image, List<Integer> resolutions) {
        int[][] sizes = new int[resolutions.size()][];
        for (int i = 0; i < sizes.length; i++) {
            int resolution = resolutions.get(i);
            if (resolution >= image.shortSide()) {
                throw new BadImageException(
                        BadImageException.Reason.BAD_REQUEST,
                        "resolution " + resolution
                                + " is not below the image's short side " + image.shortSide() + " (" + image.width()
                                + "x" + image.height() + ")");
            }
            sizes[i] = PillowResize.sizeForShortSide(image.width(), image.height(), resolution);
        }
        return PillowResize.resizeAll(image, sizes);
    }

    /** Bicubic resize (up or down) to short side {@code shortSide}, aspect ratio kept. */
    public static Raster toShortSide(Raster image, int shortSide) {
        int[] size = PillowResize.sizeForShortSide(image.width(), image.height(), shortSide);
        return PillowResize.resize(image, size[0], size[1]);
    }
}
