package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.cli.Lr0;
import io.lr0.local.LocalStack;
import io.lr0.schema.ImageEncoding;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.Prediction;
import io.lr0.testing.AppConfig;
import io.lr0.testing.Consume;
import io.lr0.testing.TestCamera;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lr0 produce camera} against a live source: ffmpeg's test pattern served over HTTP (MJPEG) by a second ffmpeg
 * on 127.0.0.1, killed and restarted mid-stream, into a running app. The producer reconnects; frames from before and
 * after arrive, each once, as JPEG images of the camera, and the app classifies each once.
 */
class CameraIT {
    private static final int FRAMES = 40;

    @TempDir
    Path dataDir;

    /** Native predictions per image id. */
    private static Map<String, Long> nativeCounts(List<ConsumerRecord<String, Prediction>> predictions) {
        return predictions.stream()
                .filter(record -> record.value().getResolution() == null)
                .collect(Collectors.groupingBy(record -> record.value().getImageId(), Collectors.counting()));
    }

    /** The camera's URL with a user, password and token, as a real camera's often has. */
    private static String withCredentials(String url) {
        return url.replace("://", "://viewer:s3cret@") + "?token=s3cret";
    }

    @Test
    void framesArriveBeforeAndAfterTheSourceRestartsEachOnce() throws Exception {
        int port = TestCamera.freePort();
        try (LocalStack stack = LocalStack.start(dataDir, 0, 0, 0);
                Lr0App app = Lr0App.start(AppConfig.on(stack, dataDir.resolve("streams")))) {
            Process source = TestCamera.serve(port);
            Thread.sleep(500);
            StringWriter err = new StringWriter();
            CommandLine lr0 = Lr0.commandLine();
            lr0.setErr(new PrintWriter(err));
            CompletableFuture<Integer> camera = CompletableFuture.supplyAsync(() -> lr0.execute(
                    "produce",
                    "camera",
                    "--name",
                    "test-cam",
                    "--url",
                    withCredentials(TestCamera.url(port)),
                    "--classes",
                    "pattern,noise",
                    "--max-frames",
                    String.valueOf(FRAMES),
                    "--stall-timeout",
                    "PT3S",
                    "--bootstrap-servers",
                    stack.bootstrapServers(),
                    "--schema-registry-url",
                    stack.registryUrl()));
            // The credentials in the URL are on no command line that ps shows (ffmpeg reads them from a file).
            // The command checks the broker and registry before it starts ffmpeg: waited for, not slept on.
            List<String> commandLines = List.of();
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    commandLines.isEmpty() && System.nanoTime() < deadline; ) {
                Thread.sleep(100);
                commandLines = ProcessHandle.allProcesses()
                        .map(process -> process.info().commandLine().orElse(""))
                        .filter(line -> line.contains("ffmpeg") && line.contains("image2pipe"))
                        .toList();
            }
            assertEquals(1, commandLines.size(), "the camera's ffmpeg runs: " + commandLines);
            assertTrue(commandLines.stream().noneMatch(line -> line.contains("s3cret")), commandLines.toString());
            // The camera goes away mid-stream (ffmpeg has read frames for a moment), and comes back a moment later.
            Thread.sleep(1500);
            source.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(1500);
            source = TestCamera.serve(port);
            try {
                assertEquals(0, camera.get(90, TimeUnit.SECONDS), err.toString());
            } finally {
                source.destroyForcibly();
            }

            List<ConsumerRecord<String, ImageRecord>> images = Consume.until(
                    stack.bootstrapServers(),
                    "images",
                    new StringDeserializer(),
                    Consume.<ImageRecord>specificReader(stack.registryUrl()),
                    records -> records.size() >= FRAMES,
                    Duration.ofSeconds(60));
            assertEquals(FRAMES, images.size());
            Set<String> ids = images.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
            assertEquals(FRAMES, ids.size(), "nothing duplicated");
            ImageRecord first = images.get(0).value();
            assertTrue(first.getId().startsWith("test-cam/"), first.getId());
            assertEquals("camera:test-cam", first.getSource());
            assertEquals(ImageEncoding.JPEG, first.getImage().getEncoding());
            assertEquals(null, first.getLabel());
            // Frames at 10 per second, with a gap of over a second where the source was down.
            List<Long> captured = images.stream()
                    .map(record -> record.value().getCaptureTimestamp().toEpochMilli())
                    .sorted()
                    .toList();
            long widest = 0;
            for (int i = 1; i < captured.size(); i++) {
                widest = Math.max(widest, captured.get(i) - captured.get(i - 1));
            }
            assertTrue(widest > 1000, "frames before and after a gap: widest step " + widest + " ms");

            // Through the app: every frame, from before and after the gap, classified at native resolution once.
            List<ConsumerRecord<String, Prediction>> predictions = Consume.until(
                    stack.bootstrapServers(),
                    "predictions",
                    new StringDeserializer(),
                    Consume.<Prediction>specificReader(stack.registryUrl()),
                    records -> nativeCounts(records).size() >= FRAMES,
                    Duration.ofSeconds(90));
            Map<String, Long> classified = nativeCounts(predictions);
            assertEquals(ids, classified.keySet(), "every frame classified");
            assertTrue(classified.values().stream().allMatch(count -> count == 1), "each once: " + classified);
            assertEquals("camera:test-cam", predictions.get(0).value().getSource());
        }
    }
}
