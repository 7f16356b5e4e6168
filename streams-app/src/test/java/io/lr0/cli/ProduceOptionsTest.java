package io.lr0.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Options of the camera and push producers that could never work are refused at once, naming the option, before any
 * connection: ffmpeg would fail on each of them and the camera reconnect without end.
 */
class ProduceOptionsTest {

    @Test
    void badCameraAndPushOptionsAreNamed() {
        assertRefused("lr0 camera: --fps must be 0 or more, was -2.5", "camera", "--fps", "-2.5");
        assertRefused("lr0 camera: --max-side must be 0 or more, was -1", "camera", "--max-side", "-1");
        assertRefused("lr0 camera: --max-frames must be 0 or more, was -1", "camera", "--max-frames", "-1");
        assertRefused("lr0 camera: --max-frame-bytes must be at least 1, was 0", "camera", "--max-frame-bytes", "0");
        assertRefused("lr0 camera: --stall-timeout must be positive, was PT0S", "camera", "--stall-timeout", "PT0S");
        assertRefused("lr0 http: --max-bytes must be at least 1, was 0", "http", "--max-bytes", "0");
    }

    @Test
    void aCameraUrlThatIsNeitherAFileNorANetworkUrlIsNamed() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Lr0.commandLine();
        commandLine.setErr(new PrintWriter(err));
        assertEquals(2, commandLine.execute("produce", "camera", "--name", "door", "--url", "/no/such/camera.mp4"));
        assertEquals(
                "lr0 camera: --url /no/such/camera.mp4 is no file or device here, nor a network URL (rtsp://, "
                        + "http://, ...)",
                err.toString().strip());
    }

    private static void assertRefused(String message, String producer, String option, String value) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Lr0.commandLine();
        commandLine.setErr(new PrintWriter(err));
        int exit = producer.equals("camera")
                ? commandLine.execute("produce", "camera", "--name", "door", "--url", "rtsp://h/s", option, value)
                : commandLine.execute("produce", "http", option, value);
        assertEquals(2, exit, err.toString());
        assertEquals(message, err.toString().strip());
    }
}
