package io.lr0.producers;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a stream of concatenated JPEG files (ffmpeg's {@code -f image2pipe -c:v mjpeg}) into frames by walking the
 * JPEG structure: SOI, length-prefixed segments up to SOS, then the entropy-coded data (where a 0xFF byte is always
 * followed by a stuffed 0x00 or a restart marker) up to EOI. A frame over {@code maxBytes} is refused rather than
 * held: a broken source must not make the producer grow without bound.
 */
final class JpegStream {
    private final InputStream in;
    private final int maxBytes;

    JpegStream(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next frame's bytes, or null at the end of the stream between frames. */
    byte[] next() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(64 * 1024);
        if (first != 0xFF || read() != 0xD8) {
            throw new IOException("Not a JPEG frame: the stream does not start with the SOI marker FF D8");
        }
        frame.write(0xFF);
        frame.write(0xD8);
        while (true) {
            int marker = nextMarker(frame);
            if (marker == 0xD9) {
                return frame.toByteArray();
            }
            if (marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                continue; // Markers without a length.
            }
            int high = read();
            int low = read();
            int length = (high << 8) | low;
            if (length < 2) {
                throw new IOException("JPEG segment FF " + Integer.toHexString(marker) + " has length " + length);
            }
            frame.write(high);
            frame.write(low);
            copy(frame, length - 2);
            if (marker == 0xDA) {
                // Start of scan: entropy-coded data up to the next marker that is not a stuffed byte or a restart.
                int next = scanData(frame);
                if (next == 0xD9) {
                    return frame.toByteArray();
                }
                pushBack = next;
            }
        }
    }

    /** A marker read from the scan data, to be handled as the next one. */
    private int pushBack = -1;

    private int nextMarker(ByteArrayOutputStream frame) throws IOException {
        if (pushBack >= 0) {
            int marker = pushBack;
            pushBack = -1;
            return marker;
        }
        int ff = read();
        if (ff != 0xFF) {
            throw new IOException("Corrupt JPEG frame: expected a marker, found byte " + ff);
        }
        int marker;
        do {
            marker = read(); // Fill bytes (FF FF ...) may precede a marker.
        } while (marker == 0xFF);
        frame.write(0xFF);
        frame.write(marker);
        limit(frame);
        return marker;
    }

    private int scanData(ByteArrayOutputStream frame) throws IOException {
        while (true) {
            int b = read();
            if (b != 0xFF) {
                frame.write(b);
                limit(frame);
                continue;
            }
            int next;
            do {
                next = read(); // Fill bytes (FF FF ...) may precede a marker here too.
            } while (next == 0xFF);
            frame.write(0xFF);
            frame.write(next);
            limit(frame);
            if (next != 0x00 && (next < 0xD0 || next > 0xD7)) {
                return next;
            }
        }
    }

    private void copy(ByteArrayOutputStream frame, int bytes) throws IOException {
        byte[] buffer = in.readNBytes(bytes);
        if (buffer.length < bytes) {
            throw new EOFException("The stream ended inside a JPEG frame");
        }
        frame.write(buffer);
        limit(frame);
    }

    private void limit(ByteArrayOutputStream frame) throws IOException {
        if (frame.size() > maxBytes) {
            throw new IOException("A frame is over " + maxBytes + " bytes (image.max.bytes); lower the camera's "
                    + "resolution or --max-side");
        }
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("The stream ended inside a JPEG frame");
        }
        return b;
    }
}
