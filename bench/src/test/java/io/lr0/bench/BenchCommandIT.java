package io.lr0.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.cli.Lr0;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark commands run end to end on a tiny input, through the command line as a user runs them; the test
 * checks the figures they measured (counts exact, rates positive, percentiles ordered), not how they are printed.
 */
class BenchCommandIT {

    /** Runs {@code lr0 bench <args>}; returns the bench subcommand's object, which keeps its figures. */
    @SuppressWarnings("unchecked")
    private static <T> T run(String bench, String... args) {
        CommandLine commandLine = Lr0.commandLine().addSubcommand(new BenchCommand());
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = bench;
        System.arraycopy(args, 0, all, 2, args.length);
        assertEquals(0, commandLine.execute(all));
        return (T) commandLine
                .getSubcommands()
                .get("bench")
                .getSubcommands()
                .get(bench)
                .getCommand();
    }

    @Test
    void inferenceBenchmarkMeasuresRawAndStageThroughput() {
        BenchCommand.Inference bench = run("inference", "--images", "64", "--batch", "8");
        assertEquals(Set.of(1, 8, 32, 64), bench.rawPerSecond.keySet());
        bench.rawPerSecond.forEach((batch, perSecond) -> assertTrue(perSecond > 0, "raw at batch " + batch));
        assertTrue(bench.stagePerSecond > 0, "stage " + bench.stagePerSecond);
    }

    @Test
    void upscaleBenchmarkMeasuresLiifAgainstBicubic() {
        BenchCommand.Upscale bench = run("upscale", "--images", "2", "--target", "32", "--set", "sr.batch.size=2");
        assertEquals(
                List.of("16/1", "16/2", "32/1", "32/2"),
                bench.figures.stream()
                        .map(figure -> figure.source() + "/" + figure.batch())
                        .toList());
        for (BenchCommand.Upscale.Figure figure : bench.figures) {
            assertTrue(figure.liifPerSecond() > 0 && figure.bicubicPerSecond() > 0, figure.toString());
        }
    }

    @Test
    void pipelineBenchmarkMeasuresTheEndToEndFiguresAtEachBatchSize() {
        PipelineBench bench =
                run("pipeline", "--images", "40", "--warmup", "20", "--batch", "1,8", "--raw-seconds", "0.2");
        assertEquals(List.of("batch 1, 1 instance", "batch 8, 1 instance"), List.copyOf(bench.runs.keySet()));
        for (PipelineBench.Run run : bench.runs.values()) {
            assertEquals(40, run.images);
            // Fashion-MNIST: 7, 10, 14 and 21 px plus the native variant.
            assertEquals(40 * 5, run.variants);
            assertTrue(run.variantsPerSecond > 0 && run.raw > 0, "throughput " + run.variantsPerSecond);
            assertOrdered(run.latencyPercentiles);
            assertOrdered(run.readableLatencyPercentiles);
            assertTrue(
                    run.readableLatencyPercentiles[0] >= run.latencyPercentiles[0],
                    "a prediction is readable no sooner than it is written");
            assertTrue(run.peakHeapMb > 0);
            assertTrue(run.idle.startsWith("started idle"), run.idle);
            // The model's forward passes are counted within the stream threads that run them.
            assertTrue(
                    run.cpu.matches(".*Kafka Streams threads \\d+ % \\(the model's forward passes \\d+ %\\).*"),
                    run.cpu);
            for (String stage : List.of(" degrade ", " preprocess ", " model ")) {
                assertTrue(run.stages.contains(stage), run.stages);
            }
        }
    }

    @Test
    void pipelineBenchmarkScalesOutAndMeasuresAtHalfRate() {
        PipelineBench bench = run(
                "pipeline",
                "--images",
                "30",
                "--warmup",
                "10",
                "--batch",
                "8",
                "--instances",
                "1,2",
                "--rate",
                "half",
                "--raw-seconds",
                "0.2");
        PipelineBench.Run two = bench.runs.get("batch 8, 2 instances");
        PipelineBench.Run twoAtHalf = bench.runs.get("batch 8, 2 instances, at half of that throughput");
        assertNotNull(two, bench.runs.keySet().toString());
        assertNotNull(twoAtHalf, bench.runs.keySet().toString());
        assertEquals(two.imagesPerSecond / 2, twoAtHalf.offered, 1e-9, "offered at half the measured throughput");
        // Kafka Streams splits the 4 partitions of the topic inference reads (chained: images) between the two.
        assertTrue(
                two.partitions.matches(".*partitions of images per instance \\[\\d(, \\d)*\\] \\| \\[\\d(, \\d)*\\].*"),
                two.partitions);
    }

    @Test
    void pipelineSoakSamplesTheHeapAndCountsItsFullGcsAsPauses() {
        PipelineBench bench = run(
                "pipeline",
                "--warmup",
                "10",
                "--batch",
                "8",
                "--minutes",
                "0.05",
                "--rate",
                "40",
                "--raw-seconds",
                "0.2");
        PipelineBench.Run soak = bench.runs.get("batch 8, 1 instance");
        assertEquals(120, soak.images, "40 images/s for 3 s");
        assertEquals(600, soak.variants);
        assertNotNull(soak.heapAfterGc);
        // The soak's own full GC at the start of the measured phase is a pause the sampler must have seen.
        assertTrue(
                soak.pauses.matches("[1-9]\\d* GC pauses, \\d+ ms in all \\(.*% of the time\\), longest \\d+ ms"),
                soak.pauses);
    }

    private static void assertOrdered(long[] percentiles) {
        for (int i = 1; i < percentiles.length; i++) {
            assertTrue(percentiles[i - 1] <= percentiles[i], Arrays.toString(percentiles));
        }
    }
}
