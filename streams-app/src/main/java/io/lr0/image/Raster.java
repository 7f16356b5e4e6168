package io.lr0.image;

/**
 * Decoded 8-bit pixels, row-major and interleaved: {@code channels} is 1 (gray) or 3 (RGB).
 * The array is owned by the raster; callers must not change it after construction.
 */
public record Raster(int width, int height, int channels, byte[] pixels) {

    public Raster {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive, was " + width + "x" + height);
        }
        if (pixels.length != (long) width * height * channels) {
            throw new IllegalArgumentException("pixel buffer holds " + pixels.length + " bytes, expected " + width + "x"
                    + height + "x" + channels);
        }
    }

    public int shortSide() {
        return Math.min(width, height);
    }
}
