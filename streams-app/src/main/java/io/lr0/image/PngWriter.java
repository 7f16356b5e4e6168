package io.lr0.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG encoder for 8-bit gray and RGB rasters: one IHDR, one IDAT (no row filter, zlib at its fastest
 * level), IEND. Every prediction carries a small PNG thumbnail, and ImageIO's writer cost more than the model per
 * thumbnail (plugin lookup, streams, a new deflater each call); this one reuses its deflater and buffers per
 * thread. Not thread-safe by itself: {@link #encode} goes through a thread-local instance.
 */
final class PngWriter {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] IHDR = "IHDR".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDAT = "IDAT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IEND = "IEND".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<PngWriter> PER_THREAD = ThreadLocal.withInitial(PngWriter::new);

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    private final CRC32 crc = new CRC32();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private final byte[] header = new byte[13];
    private final byte[] field = new byte[4];
    private byte[] scanlines = new byte[0];
    private byte[] compressed = new byte[4096];

    private PngWriter() {}

    /** The PNG file of {@code raster}. */
    static byte[] encode(Raster raster) {
        return PER_THREAD.get().write(raster);
    }

    private byte[] write(Raster raster) {
        int rowBytes = raster.width() * raster.channels();
        int size = raster.height() * (rowBytes + 1);
        if (scanlines.length < size) {
            scanlines = new byte[size];
        }
        byte[] pixels = raster.pixels();
        for (int y = 0; y < raster.height(); y++) {
            // Filter type 0 (None) before each row.
            scanlines[y * (rowBytes + 1)] = 0;
            System.arraycopy(pixels, y * rowBytes, scanlines, y * (rowBytes + 1) + 1, rowBytes);
        }
        out.reset();
        out.writeBytes(SIGNATURE);
        putInt(header, 0, raster.width());
        putInt(header, 4, raster.height());
        header[8] = 8;
        header[9] = (byte) (raster.channels() == 1 ? 0 : 2);
        // Bit depth 8, colour type gray (0) or RGB (2); compression, filter and interlace methods 0.
        chunk(IHDR, header, header.length);
        deflater.reset();
        deflater.setInput(scanlines, 0, size);
        deflater.finish();
        int length = 0;
        while (!deflater.finished()) {
            if (length == compressed.length) {
                compressed = Arrays.copyOf(compressed, compressed.length * 2);
            }
            length += deflater.deflate(compressed, length, compressed.length - length);
        }
        chunk(IDAT, compressed, length);
        chunk(IEND, compressed, 0);
        return out.toByteArray();
    }

    private void chunk(byte[] typeBytes, byte[] data, int length) {
        putInt(field, 0, length);
        out.writeBytes(field);
        out.writeBytes(typeBytes);
        out.write(data, 0, length);
        crc.reset();
        crc.update(typeBytes);
        crc.update(data, 0, length);
        putInt(field, 0, (int) crc.getValue());
        out.writeBytes(field);
    }

    private static void putInt(byte[] target, int at, int value) {
        target[at] = (byte) (value >>> 24);
        target[at + 1] = (byte) (value >>> 16);
        target[at + 2] = (byte) (value >>> 8);
        target[at + 3] = (byte) value;
    }
}
