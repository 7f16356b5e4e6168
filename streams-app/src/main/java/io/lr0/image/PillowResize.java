package io.lr0.image;

/**
 * Bicubic resize that reproduces Pillow's {@code Image.resize(size, Image.BICUBIC)} on 8-bit images bit for bit
 * (libImaging/Resample.c): a separable convolution with Keys' cubic (a = -0.5) whose support widens with the
 * reduction factor, so shrinking antialiases; weights normalised and quantised to 22-bit fixed point; horizontal
 * pass first, clipped to 8 bits, then vertical. LR0.FM degrades images with exactly this operation.
 */
public final class PillowResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double BICUBIC_SUPPORT = 2.0;
    private static final double A = -0.5;

    private PillowResize() {
    }

    /** The raster resized to {@code outWidth} x {@code outHeight}. */
    public static Raster resize(Raster source, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("target size must be positive, was " + outWidth + "x" + outHeight);
        }
        Raster current = source;
        // Pillow skips a pass whose size does not change; skipping it also skips its rounding.
        if (outWidth != source.width()) {
            current = horizontal(current, Kernel.of(source.width(), outWidth));
        }
        if (outHeight != source.height()) {
            current = vertical(current, Kernel.of(source.height(), outHeight));
        }
        return current == source ? new Raster(source.width(), source.height(), source.channels(),
                source.pixels().clone()) : current;
    }

    /** Size with short side {@code shortSide} and the aspect ratio kept, as torchvision's {@code Resize(int)} computes it. */
    public static int[] sizeForShortSide(int width, int height, int shortSide) {
        if (shortSide <= 0) {
            throw new IllegalArgumentException("short side must be positive, was " + shortSide);
        }
        if (width <= height) {
            return new int[] {shortSide, (int) ((double) shortSide * height / width)};
        }
        return new int[] {(int) ((double) shortSide * width / height), shortSide};
    }

    /** Keys' cubic convolution kernel with a = -0.5, as Pillow's bicubic_filter. */
    static double bicubic(double x) {
        x = Math.abs(x);
        if (x < 1.0) {
            return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0.0;
    }

    /**
     * Per output pixel: the first input index, the tap count, and fixed-point weights (precompute_coeffs and
     * normalize_coeffs_8bpc in Pillow).
     */
    record Kernel(int taps, int[] first, int[] count, int[] weights) {
        static Kernel of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = BICUBIC_SUPPORT * filterScale;
            double inverseScale = 1.0 / filterScale;
            int taps = (int) Math.ceil(support) * 2 + 1;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[] weights = new int[outSize * taps];
            double[] raw = new double[taps];
            for (int out = 0; out < outSize; out++) {
                double center = (out + 0.5) * scale;
                int xmin = Math.max(0, (int) (center - support + 0.5));
                int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
                double sum = 0.0;
                for (int x = 0; x < xmax; x++) {
                    raw[x] = bicubic((x + xmin - center + 0.5) * inverseScale);
                    sum += raw[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double w = sum != 0.0 ? raw[x] / sum : raw[x];
                    weights[out * taps + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS)
                            : 0.5 + w * (1 << PRECISION_BITS));
                }
                first[out] = xmin;
                count[out] = xmax;
            }
            return new Kernel(taps, first, count, weights);
        }
    }

    private static Raster horizontal(Raster in, Kernel kernel) {
        int outWidth = kernel.first.length;
        int channels = in.channels();
        byte[] src = in.pixels();
        byte[] dst = new byte[outWidth * in.height() * channels];
        int inRow = in.width() * channels;
        int outRow = outWidth * channels;
        for (int y = 0; y < in.height(); y++) {
            for (int x = 0; x < outWidth; x++) {
                int base = kernel.first[x];
                int weightBase = x * kernel.taps;
                for (int c = 0; c < channels; c++) {
                    int acc = 1 << (PRECISION_BITS - 1);
                    int pos = y * inRow + base * channels + c;
                    for (int t = 0; t < kernel.count[x]; t++, pos += channels) {
                        acc += (src[pos] & 0xFF) * kernel.weights[weightBase + t];
                    }
                    dst[y * outRow + x * channels + c] = clip8(acc);
                }
            }
        }
        return new Raster(outWidth, in.height(), channels, dst);
    }

    private static Raster vertical(Raster in, Kernel kernel) {
        int outHeight = kernel.first.length;
        int channels = in.channels();
        int row = in.width() * channels;
        byte[] src = in.pixels();
        byte[] dst = new byte[row * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int base = kernel.first[y];
            int weightBase = y * kernel.taps;
            for (int i = 0; i < row; i++) {
                int acc = 1 << (PRECISION_BITS - 1);
                int pos = base * row + i;
                for (int t = 0; t < kernel.count[y]; t++, pos += row) {
                    acc += (src[pos] & 0xFF) * kernel.weights[weightBase + t];
                }
                dst[y * row + i] = clip8(acc);
            }
        }
        return new Raster(in.width(), outHeight, channels, dst);
    }

    private static byte clip8(int acc) {
        int value = acc >> PRECISION_BITS;
        return (byte) (value < 0 ? 0 : Math.min(value, 255));
    }
}
