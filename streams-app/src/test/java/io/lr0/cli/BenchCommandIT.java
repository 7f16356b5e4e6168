package io.lr0.cli;

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
    void pipelineBenchmarkPrintsTheEndToEndFigures() {
        String output = run("bench", "pipeline", "--images", "40", "--batch", "8");
        assertTrue(output.contains("throughput:"), output);
        assertTrue(output.contains("latency capture -> prediction: p50"), output);
        assertTrue(output.contains("peak heap"), output);
        assertTrue(output.contains("per-stage mean time per record:") && output.contains(" degrade ")
                && output.contains(" model ") && output.contains("produce request latency"), output);
        assertTrue(output.lines().reduce((a, b) -> b).orElse("").startsWith("ratio pipeline variants/s"), output);
    }
}
