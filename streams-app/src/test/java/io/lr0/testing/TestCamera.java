package io.lr0.testing;

import java.io.IOException;
import java.net.ServerSocket;

/**
 * A live camera for tests: ffmpeg's own test pattern served over HTTP as MJPEG by a second ffmpeg on 127.0.0.1, which
 * a test can kill and restart like a camera that drops off the network.
 */
public final class TestCamera {
    private TestCamera() {}

    /** A port free at the moment of asking, for a camera that a test restarts on the same address. */
    public static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** The URL a camera served on {@code port} is read from. */
    public static String url(int port) {
        return "http://127.0.0.1:" + port + "/cam.mjpg";
    }

    /** Serves 160x120 frames at 10 per second, in real time, to the first client that connects to {@link #url}. */
    public static Process serve(int port) throws IOException {
        RequiredTools.require("ffmpeg");
        return new ProcessBuilder(
                        "ffmpeg",
                        "-hide_banner",
                        "-loglevel",
                        "error",
                        "-re",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=size=160x120:rate=10",
                        "-f",
                        "mpjpeg",
                        "-listen",
                        "1",
                        url(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
