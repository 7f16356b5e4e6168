package io.lr0.bench.jmh;

import io.lr0.image.Raster;
import java.util.Random;

/** Synthetic photographs for the micro-benchmarks: smooth gradients plus noise (resize cost does not depend on content). */
final class BenchImages {
    private BenchImages() {}

    /** A raster from {@code "WxHxC"}, e.g. {@code 224x224x3}. */
    static Raster of(String size) {
        String[] parts = size.split("x");
        int width = Integer.parseInt(parts[0]);
        int height = Integer.parseInt(parts[1]);
        int channels = Integer.parseInt(parts[2]);
        byte[] pixels = new byte[width * height * channels];
        Random noise = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    int value = (x * 255 / width + y * 128 / height + c * 40 + noise.nextInt(32)) & 0xFF;
                    pixels[(y * width + x) * channels + c] = (byte) value;
                }
            }
        }
        return new Raster(width, height, channels, pixels);
    }
}
