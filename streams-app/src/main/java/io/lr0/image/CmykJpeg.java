package io.lr0.image;

/**
 * The RGB of a four-component (CMYK or YCCK) JPEG as Pillow gives it, from the samples as stored (ImageIO's raw
 * raster: its own colour conversion of such files is off by 48/255 on average). Pillow opens a CMYK JPEG assuming
 * Adobe's inverted polarity whatever the file says, libjpeg first turns YCCK (Adobe transform 2) into CMYK, and
 * {@code convert("RGB")} is Pillow's naive {@code cmyk2rgb}; libjpeg's fixed-point YCbCr tables and Pillow's
 * rounding are reproduced, so the result is exact (CmykJpegTest).
 */
final class CmykJpeg {
    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        // libjpeg's jdcolor.c build_ycc_rgb_table.
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private CmykJpeg() {}

    private static int fix(double x) {
        return (int) (x * (1L << SCALE_BITS) + 0.5);
    }

    /**
     * RGB pixels (row-major, 3 bytes each) of {@code samples}: 4 per pixel as stored, for an Adobe {@code transform}
     * of 2 (YCCK) or anything else (CMYK).
     */
    static byte[] toRgb(int[] samples, int pixels, int transform) {
        byte[] rgb = new byte[pixels * 3];
        for (int p = 0; p < pixels; p++) {
            int s0 = samples[p * 4];
            int s1 = samples[p * 4 + 1];
            int s2 = samples[p * 4 + 2];
            int s3 = samples[p * 4 + 3];
            int c;
            int m;
            int y;
            if (transform == 2) {
                // libjpeg: C = 255 - R(YCbCr), ..., K as stored; then Pillow's inversion ("CMYK;I").
                c = clamp(s0 + CR_R[s2]);
                m = clamp(s0 + ((CB_G[s1] + CR_G[s2]) >> SCALE_BITS));
                y = clamp(s0 + CB_B[s1]);
            } else {
                c = 255 - s0;
                m = 255 - s1;
                y = 255 - s2;
            }
            int k = 255 - s3;
            // Pillow's cmyk2rgb.
            int notK = 255 - k;
            rgb[p * 3] = (byte) clamp(notK - mulDiv255(c, notK));
            rgb[p * 3 + 1] = (byte) clamp(notK - mulDiv255(m, notK));
            rgb[p * 3 + 2] = (byte) clamp(notK - mulDiv255(y, notK));
        }
        return rgb;
    }

    /** Pillow's MULDIV255: a * b / 255, rounded as it rounds. */
    private static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    private static int clamp(int value) {
        return value < 0 ? 0 : Math.min(value, 255);
    }
}
