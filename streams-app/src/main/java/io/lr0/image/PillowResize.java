package io.lr0.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

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
    private static final int ROUNDING = 1 << (PRECISION_BITS - 1);
    /**
     * Two 32-bit sums packed in one long, each starting at {@link #ROUNDING}: {@code (a + b * 2^32) * w} is
     * {@code a * w + b * w * 2^32}, so one 64-bit multiply-add advances both (two rows, or bytes j and j + 4).
     */
    private static final long PAIR_ROUNDING = ROUNDING | (long) ROUNDING << 32;
    /** Bytes 0 and 4 of a little-endian long, each in its own 32-bit half. */
    private static final long LANES = 0x000000FF000000FFL;

    private static final VarHandle EIGHT_BYTES =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Enough for every (source, target) size pair a deployment sees; beyond it kernels are computed per call. */
    private static final int MAX_CACHED_KERNELS = 4096;

    private static final ConcurrentHashMap<Long, Kernel> KERNELS = new ConcurrentHashMap<>();

    private PillowResize() {}

    /** The raster resized to {@code outWidth} x {@code outHeight}. */
    public static Raster resize(Raster source, int outWidth, int outHeight) {
        return resize(source, outWidth, outHeight, false);
    }

    /**
     * The same, in a per-thread buffer that the next call on this thread overwrites: for a result used at once (a
     * model input being written), so a 224 x 224 RGB resize does not allocate 150 KB per image.
     */
    public static Raster resizeTransient(Raster source, int outWidth, int outHeight) {
        return resize(source, outWidth, outHeight, true);
    }

    private static Raster resize(Raster source, int outWidth, int outHeight, boolean transientResult) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("target size must be positive, was " + outWidth + "x" + outHeight);
        }
        // Pillow skips a pass whose size does not change; skipping it also skips its rounding.
        boolean horizontal = outWidth != source.width();
        boolean vertical = outHeight != source.height();
        if (!horizontal && !vertical) {
            return transientResult
                    ? source
                    : new Raster(
                            source.width(),
                            source.height(),
                            source.channels(),
                            source.pixels().clone());
        }
        int channels = source.channels();
        byte[] between = source.pixels();
        if (horizontal) {
            // The intermediate image goes to a per-thread scratch buffer when a vertical pass follows.
            int size = outWidth * source.height() * channels;
            between = vertical ? Scratch.get().bytes(size) : output(size, transientResult);
            horizontal(
                    source.pixels(),
                    source.width(),
                    source.height(),
                    channels,
                    kernel(source.width(), outWidth),
                    between);
            if (!vertical) {
                return new Raster(outWidth, source.height(), channels, between);
            }
        }
        byte[] out = output(outWidth * outHeight * channels, transientResult);
        vertical(between, outWidth * channels, kernel(source.height(), outHeight), out);
        return new Raster(outWidth, outHeight, channels, out);
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
                    weights[out * taps + x] =
                            (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
                }
                first[out] = xmin;
                count[out] = xmax;
            }
            return new Kernel(taps, first, count, weights);
        }
    }

    private static byte[] output(int size, boolean transientResult) {
        return transientResult ? Scratch.get().output(size) : new byte[size];
    }

    /** The kernel for this size change, computed once per (in, out) pair: streams resize the same sizes over and over. */
    private static Kernel kernel(int inSize, int outSize) {
        long key = (long) inSize << 32 | outSize;
        Kernel kernel = KERNELS.get(key);
        if (kernel == null) {
            kernel = Kernel.of(inSize, outSize);
            if (KERNELS.size() < MAX_CACHED_KERNELS) {
                KERNELS.put(key, kernel);
            }
        }
        return kernel;
    }

    /**
     * Each output column from a run of input columns, two rows at a time: each input value of a row pair is packed
     * into one long (upper row in the high 32 bits), so one 64-bit multiply-add serves both rows (see
     * {@link #PAIR_ROUNDING}). Gray and RGB have their own tap loops.
     */
    private static void horizontal(byte[] src, int inWidth, int height, int channels, Kernel kernel, byte[] dst) {
        int inRow = inWidth * channels;
        int outWidth = kernel.first.length;
        int outRow = outWidth * channels;
        int[] weights = kernel.weights;
        long[] pair = Scratch.get().longs(inRow);
        for (int y = 0; y < height; y += 2) {
            boolean twoRows = y + 1 < height;
            int top = y * inRow;
            if (twoRows) {
                for (int i = 0; i < inRow; i++) {
                    pair[i] = (src[top + i] & 0xFFL) | (src[top + inRow + i] & 0xFFL) << 32;
                }
            } else {
                for (int i = 0; i < inRow; i++) {
                    pair[i] = src[top + i] & 0xFFL;
                }
            }
            int outTop = y * outRow;
            for (int x = 0; x < outWidth; x++) {
                int taps = kernel.count[x];
                int weightBase = x * kernel.taps;
                int pos = kernel.first[x] * channels;
                int out = outTop + x * channels;
                if (channels == 1) {
                    long acc = PAIR_ROUNDING;
                    for (int t = 0; t < taps; t++) {
                        acc += pair[pos + t] * weights[weightBase + t];
                    }
                    storePair(acc, dst, out, outRow, twoRows);
                } else {
                    long red = PAIR_ROUNDING;
                    long green = PAIR_ROUNDING;
                    long blue = PAIR_ROUNDING;
                    for (int t = 0; t < taps; t++, pos += 3) {
                        long weight = weights[weightBase + t];
                        red += pair[pos] * weight;
                        green += pair[pos + 1] * weight;
                        blue += pair[pos + 2] * weight;
                    }
                    storePair(red, dst, out, outRow, twoRows);
                    storePair(green, dst, out + 1, outRow, twoRows);
                    storePair(blue, dst, out + 2, outRow, twoRows);
                }
            }
        }
    }

    /** The two sums of a packed accumulator, clipped, at {@code out} and (when there is one) a row below. */
    private static void storePair(long acc, byte[] dst, int out, int outRow, boolean twoRows) {
        int low = (int) acc;
        dst[out] = clip8(low);
        if (twoRows) {
            dst[out + outRow] = clip8(high(acc, low));
        }
    }

    /**
     * Each output row as a weighted sum of whole input rows, accumulated row by row, 8 bytes at a time: one 64-bit
     * load gives 8 values, spread into 4 longs of two 32-bit sums each (bytes j and j + 4 of the group), so a
     * multiply-add serves two values. Integer sums, so neither the order nor the packing changes a bit of the
     * result.
     */
    private static void vertical(byte[] src, int row, Kernel kernel, byte[] dst) {
        int groups = row / 8;
        int tailStart = groups * 8;
        Scratch scratch = Scratch.get();
        long[] acc = scratch.longs(groups * 4);
        int[] tail = scratch.ints(8);
        for (int y = 0; y < kernel.first.length; y++) {
            Arrays.fill(acc, 0, groups * 4, PAIR_ROUNDING);
            Arrays.fill(tail, ROUNDING);
            int weightBase = y * kernel.taps;
            for (int t = 0; t < kernel.count[y]; t++) {
                long weight = kernel.weights[weightBase + t];
                int base = (kernel.first[y] + t) * row;
                for (int g = 0, a = 0; g < groups; g++, a += 4) {
                    long eight = (long) EIGHT_BYTES.get(src, base + g * 8);
                    acc[a] += (eight & LANES) * weight;
                    acc[a + 1] += (eight >>> 8 & LANES) * weight;
                    acc[a + 2] += (eight >>> 16 & LANES) * weight;
                    acc[a + 3] += (eight >>> 24 & LANES) * weight;
                }
                for (int i = tailStart; i < row; i++) {
                    tail[i - tailStart] += (src[base + i] & 0xFF) * (int) weight;
                }
            }
            int outBase = y * row;
            for (int g = 0, a = 0; g < groups; g++, a += 4) {
                for (int j = 0; j < 4; j++) {
                    long sums = acc[a + j];
                    int low = (int) sums;
                    dst[outBase + g * 8 + j] = clip8(low);
                    dst[outBase + g * 8 + j + 4] = clip8(high(sums, low));
                }
            }
            for (int i = tailStart; i < row; i++) {
                dst[outBase + i] = clip8(tail[i - tailStart]);
            }
        }
    }

    /**
     * The upper 32-bit sum of a packed pair whose lower sum is {@code low}. Exact because each sum fits in an int
     * (as in Pillow's own 32-bit accumulators): the lower sum's borrows into the upper half cancel out here.
     */
    private static int high(long sums, int low) {
        return (int) ((sums - low) >> 32);
    }

    /** Per-thread buffers (grown as needed): the intermediate image, packed row pairs and accumulators, transient results. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
        private byte[] bytes = new byte[0];
        private int[] ints = new int[0];
        private long[] longs = new long[0];
        private byte[] output = new byte[0];

        static Scratch get() {
            return PER_THREAD.get();
        }

        byte[] bytes(int size) {
            if (bytes.length < size) {
                bytes = new byte[size];
            }
            return bytes;
        }

        /** Exactly {@code size} bytes (a raster's array has its exact size): reused while the size repeats. */
        byte[] output(int size) {
            if (output.length != size) {
                output = new byte[size];
            }
            return output;
        }

        long[] longs(int size) {
            if (longs.length < size) {
                longs = new long[size];
            }
            return longs;
        }

        int[] ints(int size) {
            if (ints.length < size) {
                ints = new int[size];
            }
            return ints;
        }
    }

    private static byte clip8(int acc) {
        int value = acc >> PRECISION_BITS;
        return (byte) (value < 0 ? 0 : Math.min(value, 255));
    }
}
