package io.lr0.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    /** Ints per transposed column of a strip: long enough for the SIMD loops, short enough to stay in cache. */
    private static final int STRIP_VALUES = 384;
    /** Output columns computed before their values are written out row by row. */
    private static final int COLUMN_BLOCK = 16;
    /** Source rows transposed together: their values fill whole cache lines of each column. */
    private static final int TRANSPOSE_ROWS = 16;
    /** Enough for every (source, target) size pair a deployment sees; beyond it kernels are computed per call. */
    private static final int MAX_CACHED_KERNELS = 4096;

    private static final ConcurrentHashMap<Long, Kernel> KERNELS = new ConcurrentHashMap<>();

    private PillowResize() {}

    /** The raster resized to {@code outWidth} x {@code outHeight}. */
    public static Raster resize(Raster source, int outWidth, int outHeight) {
        return resizeAll(source, new int[][] {{outWidth, outHeight}})[0];
    }

    /**
     * The raster resized to each of {@code sizes} ({width, height} pairs) in one pass over it: its pixels are laid
     * out for the vector kernel once, and that layout serves every size (one image degraded to every resolution).
     */
    public static Raster[] resizeAll(Raster source, int[][] sizes) {
        List<Output> outputs = new ArrayList<>();
        RasterRows[] rasters = new RasterRows[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            rasters[i] = new RasterRows(sizes[i][0], sizes[i][1], source.channels());
            outputs.add(Output.whole(sizes[i][0], sizes[i][1], rasters[i]));
        }
        resize(source, outputs);
        Raster[] results = new Raster[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            results[i] = rasters[i].raster();
        }
        return results;
    }

    /**
     * Several resizes of the raster in one pass over it, each handing the rows of its window to its sink: bit for
     * bit those pixels of {@link #resize}, computing only what each window needs (a centre crop into a model's
     * input without the resized image in between). A size equal to the source's is a copy, as in Pillow.
     */
    public static void resize(Raster source, List<Output> outputs) {
        List<Target> targets = new ArrayList<>(outputs.size());
        for (Output output : outputs) {
            targets.add(new Target(source, output));
        }
        run(source, targets);
    }

    /**
     * One resize of a pass: the size, the window of it that is wanted, and where the window's rows go.
     *
     * @param width the resized image's width
     * @param height the resized image's height
     * @param left the window's first column
     * @param top the window's first row
     * @param windowWidth the window's width
     * @param windowHeight the window's height
     * @param sink where the window's rows go
     */
    public record Output(int width, int height, int left, int top, int windowWidth, int windowHeight, RowSink sink) {
        public Output {
            checkSize(width, height);
            if (left < 0
                    || top < 0
                    || windowWidth <= 0
                    || windowHeight <= 0
                    || left + windowWidth > width
                    || top + windowHeight > height) {
                throw new IllegalArgumentException("window " + windowWidth + "x" + windowHeight + " at (" + left + ", "
                        + top + ") is not inside " + width + "x" + height);
            }
        }

        /** The whole resized image. */
        public static Output whole(int width, int height, RowSink sink) {
            return new Output(width, height, 0, 0, width, height, sink);
        }
    }

    /**
     * Receives a resized window row by row: one channel of one row, values 0-255 in {@code values[0, width)}, valid
     * only during the call.
     */
    public interface RowSink {
        void row(int channel, int y, int[] values);
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, was " + width + "x" + height);
        }
    }

    /**
     * One output of a pass over the source: which window of which size, its kernels (null for a pass Pillow skips
     * because that side does not change, which also skips its rounding), the source rows its vertical pass reads,
     * and where its rows go.
     */
    private static final class Target {
        final int left;
        final int top;
        final int width;
        final int height;
        final Kernel horizontal;
        final Kernel vertical;
        final int firstRow;
        final int endRow;
        final RowSink sink;
        /** The horizontal pass's output, one int row per channel and source row in [firstRow, endRow). */
        int[][][] planes;

        Target(Raster source, Output output) {
            this.left = output.left();
            this.top = output.top();
            this.width = output.windowWidth();
            this.height = output.windowHeight();
            this.sink = output.sink();
            this.horizontal = output.width() != source.width() ? kernel(source.width(), output.width()) : null;
            this.vertical = output.height() != source.height() ? kernel(source.height(), output.height()) : null;
            if (vertical == null) {
                firstRow = top;
                endRow = top + height;
            } else {
                int first = Integer.MAX_VALUE;
                int end = 0;
                for (int y = top; y < top + height; y++) {
                    first = Math.min(first, vertical.first[y]);
                    end = Math.max(end, vertical.first[y] + vertical.count[y]);
                }
                firstRow = first;
                endRow = end;
            }
        }
    }

    /**
     * Both passes for every target. The horizontal pass reads the source in strips of rows, each transposed into
     * one int array per source column (values of the strip's rows and channels): an output column is then a sum of
     * whole input columns, element by element, which the JIT compiles to SIMD instructions. The vertical pass sums
     * whole rows the same way. Each array is indexed from 0 because C2 (JDK 17) vectorises only such loops.
     */
    private static void run(Raster source, List<Target> targets) {
        if (targets.isEmpty()) {
            return;
        }
        int channels = source.channels();
        int stripRows = Math.max(1, STRIP_VALUES / channels);
        int firstRow = Integer.MAX_VALUE;
        int endRow = 0;
        Scratch scratch = Scratch.get();
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            firstRow = Math.min(firstRow, target.firstRow);
            endRow = Math.max(endRow, target.endRow);
            target.planes = new int[channels][][];
            for (int c = 0; c < channels; c++) {
                target.planes[c] = scratch.rows(i * channels + c, target.endRow - target.firstRow, target.width);
            }
        }
        boolean anyHorizontal = targets.stream().anyMatch(target -> target.horizontal != null);
        for (int y0 = firstRow; y0 < endRow; y0 += stripRows) {
            int rows = Math.min(stripRows, endRow - y0);
            int[][] columns = anyHorizontal ? transpose(source, y0, rows, scratch) : null;
            for (Target target : targets) {
                int from = Math.max(y0, target.firstRow);
                int to = Math.min(y0 + rows, target.endRow);
                if (from >= to) {
                    continue;
                }
                if (target.horizontal == null) {
                    copyColumns(source, from, to, target);
                } else {
                    horizontal(
                            columns, y0, rows * channels, from, to, channels, target, scratch.block(rows * channels));
                }
            }
        }
        for (Target target : targets) {
            verticalPass(target, channels, scratch);
        }
    }

    /**
     * Source rows [y0, y0 + rows) as one int array per column: (row, channel) at row * channels + channel. Rows go
     * in groups of {@link #TRANSPOSE_ROWS}, so each column receives whole cache lines at a time, not one pixel per
     * row while every other column pushes it out of the cache.
     */
    private static int[][] transpose(Raster source, int y0, int rows, Scratch scratch) {
        int width = source.width();
        int channels = source.channels();
        int stride = width * channels;
        int[][] columns = scratch.columns(width, rows * channels);
        byte[] pixels = source.pixels();
        for (int r0 = 0; r0 < rows; r0 += TRANSPOSE_ROWS) {
            int groupEnd = Math.min(rows, r0 + TRANSPOSE_ROWS);
            int rowStart = (y0 + r0) * stride;
            for (int x = 0; x < width; x++) {
                int[] column = columns[x];
                int to = r0 * channels;
                int end = rowStart + (groupEnd - r0) * stride;
                if (channels == 1) {
                    for (int at = rowStart + x; at < end; at += stride) {
                        column[to++] = pixels[at] & 0xFF;
                    }
                } else {
                    for (int at = rowStart + x * 3; at < end; at += stride, to += 3) {
                        column[to] = pixels[at] & 0xFF;
                        column[to + 1] = pixels[at + 1] & 0xFF;
                        column[to + 2] = pixels[at + 2] & 0xFF;
                    }
                }
            }
        }
        return columns;
    }

    /** Without a horizontal pass: the window's columns of source rows [from, to), as they are. */
    private static void copyColumns(Raster source, int from, int to, Target target) {
        int channels = source.channels();
        byte[] pixels = source.pixels();
        for (int y = from; y < to; y++) {
            int at = (y * source.width() + target.left) * channels;
            for (int c = 0; c < channels; c++) {
                int[] row = target.planes[c][y - target.firstRow];
                for (int x = 0; x < target.width; x++) {
                    row[x] = pixels[at + x * channels + c] & 0xFF;
                }
            }
        }
    }

    /**
     * The horizontal pass over one strip: each window column as the weighted sum of its taps' input columns
     * ({@link #weightedSum}). Columns go in blocks, so the block's rows [from, to) are written to the target's planes
     * as runs of consecutive values.
     */
    private static void horizontal(
            int[][] columns, int y0, int length, int from, int to, int channels, Target target, int[][] block) {
        Kernel kernel = target.horizontal;
        for (int x0 = 0; x0 < target.width; x0 += block.length) {
            int blockWidth = Math.min(block.length, target.width - x0);
            for (int k = 0; k < blockWidth; k++) {
                int[] acc = block[k];
                int out = target.left + x0 + k;
                int taps = kernel.count[out];
                int first = kernel.first[out];
                int weightBase = out * kernel.taps;
                weightedSum(acc, columns, first, kernel.weights, weightBase, taps, length);
            }
            if (blockWidth == COLUMN_BLOCK) {
                writeFullBlock(block, y0, from, to, channels, target, x0);
                continue;
            }
            for (int y = from; y < to; y++) {
                for (int c = 0; c < channels; c++) {
                    int[] row = target.planes[c][y - target.firstRow];
                    int at = (y - y0) * channels + c;
                    for (int k = 0; k < blockWidth; k++) {
                        row[x0 + k] = block[k][at];
                    }
                }
            }
        }
    }

    /**
     * A full block's columns into the target's rows [from, to) at column x0: the transposition back, with the
     * block's arrays held in locals (the general loop above reloads one per value).
     */
    private static void writeFullBlock(int[][] block, int y0, int from, int to, int channels, Target target, int x0) {
        int[] b0 = block[0], b1 = block[1], b2 = block[2], b3 = block[3], b4 = block[4], b5 = block[5];
        int[] b6 = block[6], b7 = block[7], b8 = block[8], b9 = block[9], b10 = block[10], b11 = block[11];
        int[] b12 = block[12], b13 = block[13], b14 = block[14], b15 = block[15];
        for (int c = 0; c < channels; c++) {
            int[][] plane = target.planes[c];
            for (int y = from; y < to; y++) {
                int[] row = plane[y - target.firstRow];
                int at = (y - y0) * channels + c;
                row[x0] = b0[at];
                row[x0 + 1] = b1[at];
                row[x0 + 2] = b2[at];
                row[x0 + 3] = b3[at];
                row[x0 + 4] = b4[at];
                row[x0 + 5] = b5[at];
                row[x0 + 6] = b6[at];
                row[x0 + 7] = b7[at];
                row[x0 + 8] = b8[at];
                row[x0 + 9] = b9[at];
                row[x0 + 10] = b10[at];
                row[x0 + 11] = b11[at];
                row[x0 + 12] = b12[at];
                row[x0 + 13] = b13[at];
                row[x0 + 14] = b14[at];
                row[x0 + 15] = b15[at];
            }
        }
    }

    /** The vertical pass: each window row as the weighted sum of its taps' rows, per channel, to the sink. */
    private static void verticalPass(Target target, int channels, Scratch scratch) {
        int width = target.width;
        int[] acc = scratch.acc(width);
        for (int y = 0; y < target.height; y++) {
            int out = target.top + y;
            for (int c = 0; c < channels; c++) {
                int[][] plane = target.planes[c];
                if (target.vertical == null) {
                    target.sink.row(c, y, plane[out - target.firstRow]);
                    continue;
                }
                Kernel kernel = target.vertical;
                int taps = kernel.count[out];
                int first = kernel.first[out] - target.firstRow;
                int weightBase = out * kernel.taps;
                weightedSum(acc, plane, first, kernel.weights, weightBase, taps, width);
                target.sink.row(c, y, acc);
            }
        }
        target.planes = null;
    }

    /**
     * {@code acc[0, length)} = the clipped 8-bit value of the weighted sum of {@code taps} arrays from
     * {@code inputs[first]} with weights from {@code weights[weightBase]}: four taps per loop while four are left,
     * then two, then one (fewer passes over the accumulator).
     */
    private static void weightedSum(
            int[] acc, int[][] inputs, int first, int[] weights, int weightBase, int taps, int length) {
        Arrays.fill(acc, 0, length, ROUNDING);
        int t = 0;
        for (; t + 3 < taps; t += 4) {
            int w = weightBase + t;
            addFour(
                    acc,
                    inputs[first + t],
                    weights[w],
                    inputs[first + t + 1],
                    weights[w + 1],
                    inputs[first + t + 2],
                    weights[w + 2],
                    inputs[first + t + 3],
                    weights[w + 3],
                    length);
        }
        if (t + 1 < taps) {
            addTwo(
                    acc,
                    inputs[first + t],
                    weights[weightBase + t],
                    inputs[first + t + 1],
                    weights[weightBase + t + 1],
                    length);
            t += 2;
        }
        if (t < taps) {
            addOne(acc, inputs[first + t], weights[weightBase + t], length);
        }
        clip(acc, length);
    }

    // The loops below are what C2 turns into SIMD: arrays from index 0, no branches, ints only.

    private static void addFour(
            int[] acc,
            int[] a,
            int weightA,
            int[] b,
            int weightB,
            int[] c,
            int weightC,
            int[] d,
            int weightD,
            int length) {
        for (int i = 0; i < length; i++) {
            acc[i] += a[i] * weightA + b[i] * weightB + c[i] * weightC + d[i] * weightD;
        }
    }

    private static void addTwo(int[] acc, int[] a, int weightA, int[] b, int weightB, int length) {
        for (int i = 0; i < length; i++) {
            acc[i] += a[i] * weightA + b[i] * weightB;
        }
    }

    private static void addOne(int[] acc, int[] a, int weight, int length) {
        for (int i = 0; i < length; i++) {
            acc[i] += a[i] * weight;
        }
    }

    /** Fixed point to 8 bits, clipped to [0, 255] with shifts and masks (branch-free, as Pillow's clip8). */
    private static void clip(int[] acc, int length) {
        for (int i = 0; i < length; i++) {
            int value = acc[i] >> PRECISION_BITS;
            value &= ~(value >> 31);
            acc[i] = (value | ((255 - value) >> 31)) & 0xFF;
        }
    }

    /** A sink that becomes a raster: rows interleaved back into 8-bit pixels. */
    public static final class RasterRows implements RowSink {
        private final int width;
        private final int height;
        private final int channels;
        private final byte[] pixels;

        public RasterRows(int width, int height, int channels) {
            this.width = width;
            this.height = height;
            this.channels = channels;
            this.pixels = new byte[width * height * channels];
        }

        @Override
        public void row(int channel, int y, int[] values) {
            int at = y * width * channels + channel;
            for (int x = 0; x < width; x++, at += channels) {
                pixels[at] = (byte) values[x];
            }
        }

        /** The raster, once every row was received. */
        public Raster raster() {
            return new Raster(width, height, channels, pixels);
        }
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

    /** Per-thread buffers, grown as needed and reused: the transposed strip, the planes, the accumulators. */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
        private int[][] columns = new int[0][];
        private int[][][] rows = new int[0][][];
        private int[][] block = new int[0][];
        private int[] acc = new int[0];

        static Scratch get() {
            return PER_THREAD.get();
        }

        /** At least {@code count} arrays of at least {@code length} ints. */
        int[][] columns(int count, int length) {
            columns = grown(columns, count, length);
            return columns;
        }

        /** The row set numbered {@code slot}: at least {@code count} arrays of at least {@code length} ints. */
        int[][] rows(int slot, int count, int length) {
            if (rows.length <= slot) {
                rows = Arrays.copyOf(rows, slot + 1);
            }
            rows[slot] = grown(rows[slot] == null ? new int[0][] : rows[slot], count, length);
            return rows[slot];
        }

        /** {@link #COLUMN_BLOCK} accumulators of at least {@code length} ints. */
        int[][] block(int length) {
            block = grown(block, COLUMN_BLOCK, length);
            return block;
        }

        int[] acc(int length) {
            if (acc.length < length) {
                acc = new int[length];
            }
            return acc;
        }

        private static int[][] grown(int[][] arrays, int count, int length) {
            if (arrays.length < count) {
                arrays = Arrays.copyOf(arrays, count);
            }
            for (int i = 0; i < count; i++) {
                if (arrays[i] == null || arrays[i].length < length) {
                    arrays[i] = new int[length];
                }
            }
            return arrays;
        }
    }
}
