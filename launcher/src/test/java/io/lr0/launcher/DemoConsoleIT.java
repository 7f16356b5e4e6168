package io.lr0.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code lr0 demo} as a user runs it, in a JVM of its own with lr0's default logging: a healthy run prints no WARN
 * or ERROR line (it printed 72, through the progress bar: retries, a GPU probe on a machine without one, advice of
 * Kafka's and Micrometer's, a WAR weight of lr0's own dataset), and still prints its table.
 */
class DemoConsoleIT {
    private static final Pattern ALARM = Pattern.compile("\\b(WARN|ERROR)\\b");

    @Test
    void aHealthyDemoPrintsNoWarning() throws Exception {
        // Not under /tmp, where Kafka Streams rightly warns that the OS may clear its state.
        Path dir = Files.createTempDirectory(Path.of("target"), "demo-console").toAbsolutePath();
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process demo = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.lr0.schema",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Lr0Launcher.class.getName(),
                        "demo",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--limit",
                        "60",
                        "--grouped-per-class",
                        "2",
                        "--rate",
                        "0",
                        "--exit-when-done",
                        "--kafka-port",
                        "0",
                        "--controller-port",
                        "0",
                        "--registry-port",
                        "0",
                        "--dashboard-port",
                        "0",
                        "--config",
                        dir.resolve("none.properties").toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .directory(dir.toFile())
                .start();
        boolean ended = demo.waitFor(8, TimeUnit.MINUTES);
        if (!ended) {
            demo.destroyForcibly();
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        List<String> logged = Files.readAllLines(err, StandardCharsets.UTF_8);
        String console = printed + "\n" + String.join("\n", logged);
        assertTrue(ended, "the demo did not end: " + console);
        assertEquals(0, demo.exitValue(), console);
        assertTrue(printed.contains("fashion-mnist") && printed.contains("native"), "its table: " + printed);
        List<String> alarms =
                logged.stream().filter(line -> ALARM.matcher(line).find()).toList();
        assertEquals(List.of(), alarms, "WARN or ERROR on a healthy run's console");
    }
}
