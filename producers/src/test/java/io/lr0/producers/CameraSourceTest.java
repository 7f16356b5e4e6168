package io.lr0.producers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The camera's frame splitting and what it keeps out of logs; CameraIT runs it against a live ffmpeg source. */
class CameraSourceTest {

    private static byte[] jpeg(int seed) throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void concatenatedJpegsSplitIntoTheirFrames() throws IOException {
        byte[] a = jpeg(1);
        byte[] b = jpeg(2);
        ByteArrayOutputStream piped = new ByteArrayOutputStream();
        piped.write(a);
        piped.write(b);
        JpegStream stream = new JpegStream(new ByteArrayInputStream(piped.toByteArray()), 1_000_000);

        assertArrayEquals(a, stream.next());
        assertArrayEquals(b, stream.next());
        assertNull(stream.next(), "the end between frames");
    }

    /** Fill bytes (FF FF) before the end marker are a marker's padding, not data: the frame still ends there. */
    @Test
    void fillBytesBeforeAMarkerInTheScanData() throws IOException {
        byte[] a = jpeg(4);
        byte[] b = jpeg(5);
        ByteArrayOutputStream piped = new ByteArrayOutputStream();
        piped.write(a, 0, a.length - 2);
        piped.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xD9});
        piped.write(b);
        JpegStream stream = new JpegStream(new ByteArrayInputStream(piped.toByteArray()), 1_000_000);

        assertArrayEquals(a, stream.next());
        assertArrayEquals(b, stream.next());
    }

    /** Scan data that never reaches a marker is refused at the limit, not held until the stream ends. */
    @Test
    void endlessScanDataStopsAtTheLimit() {
        byte[] scan = new byte[10_000];
        System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2}, 0, scan, 0, 6);
        IOException big =
                assertThrows(IOException.class, () -> new JpegStream(new ByteArrayInputStream(scan), 1000).next());
        assertTrue(big.getMessage().contains("over 1000 bytes"), big.getMessage());
    }

    @Test
    void aCutOrOversizedFrameIsAnErrorNotAWait() throws IOException {
        byte[] a = jpeg(3);
        assertThrows(
                EOFException.class,
                () -> new JpegStream(new ByteArrayInputStream(Arrays.copyOf(a, a.length / 2)), 1_000_000).next());
        IOException big =
                assertThrows(IOException.class, () -> new JpegStream(new ByteArrayInputStream(a), 1000).next());
        assertTrue(big.getMessage().contains("over 1000 bytes"), big.getMessage());
        assertThrows(
                IOException.class, () -> new JpegStream(new ByteArrayInputStream(new byte[] {1, 2, 3}), 10).next());
    }

    @Test
    void credentialsNeverReachALogLine() {
        assertEquals(
                "rtsp://***@cam.local:554/stream?token=***&fps=5",
                CameraSource.redact("rtsp://admin:s3cret@cam.local:554/stream?token=abc&fps=5"));
        assertEquals(
                "Connection to http://***@10.0.0.2/mjpg failed",
                CameraSource.redact("Connection to http://u:p@10.0.0.2/mjpg failed"));
        assertEquals("/dev/video0", CameraSource.redact("/dev/video0"));
    }

    @Test
    void ffmpegIsAskedForJpegFramesOnItsStandardOutput() {
        CameraSource source = new CameraSource(new CameraSource.Settings(
                "cam", "rtsp://h/s", 5, 640, false, Duration.ofSeconds(10), 1_000_000, "ffmpeg"));
        String command = String.join(" ", source.command(null));
        assertTrue(command.startsWith("ffmpeg -hide_banner -nostdin -loglevel error -i rtsp://h/s"), command);
        assertTrue(
                command.contains(
                        "-vf fps=5.0,scale=w='min(640,iw)':h='min(640,ih)':force_original_aspect_ratio=decrease"),
                command);
        assertTrue(command.endsWith("-an -f image2pipe -c:v mjpeg -q:v 3 pipe:1"), command);
    }

    /**
     * A URL with credentials reaches ffmpeg through a concat list only this user can read: they were on the child's
     * command line, which {@code ps} shows every local user (the logs were already redacted).
     */
    @Test
    void credentialsInTheUrlAreOnNoCommandLine() throws Exception {
        String url = "rtsp://admin:s3cret@cam.local:554/stream?token=abc&it's=1";
        assertTrue(CameraSource.hasSecrets(url));
        assertFalse(CameraSource.hasSecrets("rtsp://cam.local/stream?fps=5"));
        CameraSource source = new CameraSource(
                new CameraSource.Settings("cam", url, 0, 0, false, Duration.ofSeconds(10), 1_000_000, "ffmpeg"));
        Path list = CameraSource.inputList(url);
        try {
            String command = String.join(" ", source.command(list));
            assertFalse(command.contains("s3cret") || command.contains("abc"), command);
            assertTrue(command.contains("-f concat -safe 0"), command);
            assertEquals(
                    "ffconcat version 1.0\nfile 'rtsp://admin:s3cret@cam.local:554/stream?token=abc&it'\\''s=1'\n",
                    Files.readString(list));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(list)));
        } finally {
            Files.delete(list);
        }
    }

    /** Without ffmpeg there is nothing to reconnect to: the check fails, naming the binary and the fix. */
    @Test
    void aMissingFfmpegFailsAtOnceNamingIt() {
        CameraSource source = new CameraSource(new CameraSource.Settings(
                "cam", "rtsp://h/s", 0, 0, false, Duration.ofSeconds(10), 1_000_000, "/nonexistent/ffmpeg"));
        IllegalStateException failure = assertThrows(IllegalStateException.class, source::requireFfmpeg);
        assertTrue(failure.getMessage().contains("/nonexistent/ffmpeg"), failure.getMessage());
        assertTrue(failure.getMessage().contains("--ffmpeg"), failure.getMessage());
    }
}
