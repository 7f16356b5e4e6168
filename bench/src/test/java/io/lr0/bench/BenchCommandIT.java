package io.lr0.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.cli.Lr0;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    /**
     * --free-model: CLIP's input, no cost in the model, so the figure is the pipeline's own CPU per image; two rounds,
     * the median one kept.
     */
    @Test
    void theFreeModelMeasuresThePipelinesOwnCost() {
        PipelineBench bench = run(
                "pipeline",
                "--free-model",
                "--rounds",
                "2",
                "--images",
                "20",
                "--warmup-seconds",
                "1",
                "--raw-seconds",
                "0.2");
        assertEquals("lr0-free-224", bench.modelName);
        PipelineBench.Run run = bench.runs.get("batch 32, 1 instance");
        assertEquals(20, run.images);
        assertTrue(run.outsideModel.matches("\\d+\\.\\d+ ms of CPU per image, .*"), run.outsideModel);
    }

    @Test
    void pipelineBenchmarkMeasuresTheEndToEndFiguresAtEachBatchSize() {
        PipelineBench bench = run(
                "pipeline",
                "--rounds",
                "1",
                "--images",
                "40",
                "--warmup-seconds",
                "2",
                "--batch",
                "1,8",
                "--raw-seconds",
                "0.2");
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
            // libtorch's memory is off the heap: the process's resident set is what a deployment must provide.
            assertTrue(run.peakRssMb > run.peakHeapMb && run.rssMb > 0, run.peakRssMb + " MB");
            assertTrue(run.idle.startsWith("started idle"), run.idle);
            // CPU outside the model per image: positive, and more than per variant (five variants per image).
            Matcher outside = Pattern.compile("(\\d+\\.\\d+) ms of CPU per image, (\\d+\\.\\d+) per variant .*")
                    .matcher(run.outsideModel);
            assertTrue(outside.matches(), run.outsideModel);
            assertTrue(Double.parseDouble(outside.group(1)) > Double.parseDouble(outside.group(2)), run.outsideModel);
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
                "--rounds",
                "1",
                "--images",
                "30",
                "--warmup-seconds",
                "1",
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
                "--rounds",
                "1",
                "--warmup-seconds",
                "1",
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

    /**
     * Photos of a folder, one of them too small for two of the default resolutions: the run is sized by --seconds,
     * and every variant of every measured image, 5 or 3 of them, arrives.
     */
    @Test
    void pipelineBenchmarkRunsOnAFolderOfPhotosSizedByTime(@TempDir Path folder) throws Exception {
        photo(folder.resolve("a/one.png"), 200, 150);
        photo(folder.resolve("b/two.png"), 200, 150);
        photo(folder.resolve("c/small.png"), 60, 40);
        PipelineBench bench = run(
                "pipeline",
                "--rounds",
                "1",
                "--images-from",
                folder.toString(),
                "--seconds",
                "0.5",
                "--warmup-seconds",
                "1",
                "--batch",
                "8",
                "--raw-seconds",
                "0.2");
        PipelineBench.Run run = bench.runs.get("batch 8, 1 instance");
        assertTrue(run.images >= 8, run.images + " images");
        // 16, 32, 64, 128 px and native for the 150 px photos; 16 and 32 px and native for the 40 px one.
        int[] variantsPerImage = {5, 5, 3};
        long expected = 0;
        for (long i = 0; i < run.images; i++) {
            expected += variantsPerImage[(int) (i % 3)];
        }
        assertEquals(expected, run.variants);
    }

    @Test
    void inferenceBenchmarkRunsOnAFolderOfPhotos(@TempDir Path folder) throws Exception {
        photo(folder.resolve("a/one.png"), 200, 150);
        photo(folder.resolve("b/two.png"), 90, 120);
        BenchCommand.Inference bench =
                run("inference", "--images-from", folder.toString(), "--images", "8", "--batch", "4");
        assertTrue(bench.stagePerSecond > 0, "stage " + bench.stagePerSecond);
    }

    /** A PNG of random pixels. */
    private static void photo(Path file, int width, int height) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(file.hashCode());
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void assertOrdered(long[] percentiles) {
        for (int i = 1; i < percentiles.length; i++) {
            assertTrue(percentiles[i - 1] <= percentiles[i], Arrays.toString(percentiles));
        }
    }
}
