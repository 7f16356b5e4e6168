package io.lr0.bench;

import io.lr0.cli.Lr0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark commands run end to end on a tiny input and print their figures (no figure is asserted). */
class BenchCommandIT {

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Lr0.commandLine().execute(args));
        } finally {
            System.setOut(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void inferenceBenchmarkPrintsRawAndStageThroughput() {
        String output = run("bench", "inference", "--images", "64", "--batch", "8");
        assertTrue(output.contains("raw DJL, batch  32:"), output);
        assertTrue(output.contains("inference stage in the topology"), output);
        assertTrue(output.lines().reduce((a, b) -> b).orElse("").startsWith("ratio stage / raw at batch 8:"), output);
    }

    @Test
    void upscaleBenchmarkPrintsLiifAgainstBicubic() {
        String output = run("bench", "upscale", "--images", "2", "--target", "32", "--set", "sr.batch.size=2");
        assertTrue(output.contains("16 -> 32, batch  1: LIIF"), output);
        assertTrue(output.contains("32 -> 32, batch  2: LIIF") && output.contains("x bicubic"), output);
    }

    @Test
    void pipelineBenchmarkPrintsTheEndToEndFiguresAndTheBatchRatio() {
        String output = run("bench", "pipeline", "--images", "40", "--warmup", "20", "--batch", "1,8",
                "--raw-seconds", "0.2");
        assertTrue(output.contains("== batch 1, 1 instance") && output.contains("== batch 8, 1 instance"), output);
        assertTrue(output.contains("started idle: the warm-up's backlog of "), output);
        assertTrue(output.contains("throughput") && output.contains("variants/s"), output);
        assertTrue(output.contains("latency capture -> prediction: p50"), output);
        assertTrue(output.contains("capture -> prediction readable (read_committed): p50"), output);
        assertTrue(output.contains("peak heap"), output);
        // The CPU by kind of thread (largest first, so in any order), the model's forward passes within the stream
        // threads that run them.
        assertTrue(output.lines().anyMatch(line -> line.matches("  CPU of \\d+ cores: \\d+ % in all: .*")
                && line.matches(".* Kafka Streams threads \\d+ % \\(the model's forward passes \\d+ %\\).*")
                && line.matches(".* JIT compiler \\d+ %.*")), output);
        assertTrue(output.contains("per record:") && output.contains(" degrade ") && output.contains(" preprocess ")
                && output.contains(" model ") && output.contains("produce request"), output);
        assertTrue(output.contains("ratio pipeline variants/s / raw model images/s at batch 8:"), output);
        assertTrue(output.lines().reduce((a, b) -> b).orElse("").startsWith("micro-batching: batch 8 / batch 1"),
                output);
    }

    @Test
    void pipelineBenchmarkScalesOutAndMeasuresAtHalfRate() {
        String output = run("bench", "pipeline", "--images", "30", "--warmup", "10", "--batch", "8",
                "--instances", "1,2", "--rate", "half", "--raw-seconds", "0.2");
        assertTrue(output.contains("== batch 8, 2 instances, offered as fast as possible"), output);
        assertTrue(output.contains("== batch 8, 2 instances, at half of that throughput, offered"), output);
        // Kafka Streams splits the 4 partitions of the topic inference reads (chained: images) between the two.
        assertTrue(output.lines().anyMatch(line -> line.matches(".*partitions of images per instance "
                + "\\[\\d(, \\d)*\\] \\| \\[\\d(, \\d)*\\].*")), output);
        assertTrue(output.contains("scale-out at batch 8: 2 instances"), output);
    }

    @Test
    void pipelineSoakPrintsTheHeapEveryMinuteAndCountsItsFullGcsAsPauses() {
        String output = run("bench", "pipeline", "--warmup", "10", "--batch", "8", "--minutes", "0.05",
                "--rate", "40", "--raw-seconds", "0.2");
        assertTrue(output.contains("120 images, 600 variants"), output);
        assertTrue(output.contains("heap after GC each minute (MB): ["), output);
        // The soak's own full GC at the start of the measured phase is a pause the sampler must have seen.
        assertTrue(output.lines().anyMatch(line -> line.matches("  [1-9]\\d* GC pauses, \\d+ ms in all \\(.*"
                + "% of the time\\), longest \\d+ ms")), output);
    }
}
