package io.lr0.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lr0.producers.IdxDataset;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.schema.DatasetInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class embeddings are encoded off the caller's thread and cached on disk by model, class list and prompts. */
class LabelSpacesTest {
    /** No cap on the prompts of a label space: these tests are about encoding and caching. */
    private static final long ANY_SIZE = Long.MAX_VALUE;

    private static ZeroShotModel model;

    @BeforeAll
    static void load(@TempDir Path cache) throws Exception {
        model = Models.load(Models.BUNDLED, "", cache);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static DatasetInfo info(String id, List<String> classes) {
        return DatasetInfo.newBuilder()
                .setId(id)
                .setClasses(classes)
                .setUpdated(Instant.EPOCH)
                .build();
    }

    /** Asks until the classifier is ready (the encoder is a thread of its own). */
    private static ZeroShotClassifier awaitReady(LabelSpaces labelSpaces, DatasetInfo info) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ZeroShotClassifier classifier;
        while ((classifier = labelSpaces.classifier(info)) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready within 60 s");
            }
            Thread.sleep(10);
        }
        return classifier;
    }

    /**
     * The encodings counted from {@code from}. The count follows the classifier's completion (a callback on it), so a
     * caller that has just seen the classifier ready gives it a moment: up to a second for the expected count.
     */
    private static double count(OperationalMetrics meters, String dataset, String from) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        double count;
        do {
            var counter = meters.registry()
                    .find(OperationalMetrics.LABEL_SPACE_ENCODINGS)
                    .tags("dataset", dataset, "from", from)
                    .counter();
            count = counter == null ? 0 : counter.count();
            if (count > 0) {
                return count;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return count;
    }

    @Test
    void aSecondInstanceOnTheSameCacheReadsTheEmbeddingsInsteadOfEncoding(@TempDir Path cacheDir) throws Exception {
        DatasetInfo fashion = info("fashion-mnist", IdxDataset.FASHION_MNIST_CLASSES);
        float[] encodedScores;
        try (OperationalMetrics meters = OperationalMetrics.prometheus()) {
            LabelSpaces first = new LabelSpaces(model, null, cacheDir, ANY_SIZE, meters);
            encodedScores = awaitReady(first, fashion).scores(image(first, fashion));
            assertEquals(1.0, count(meters, "fashion-mnist", "model"));
            assertEquals(
                    fashion.getClasses().size()
                            * (double) PromptSet.forDataset("fashion-mnist", null)
                                    .templates()
                                    .size(),
                    meters.registry()
                            .find(OperationalMetrics.LABEL_SPACE_PROMPTS_ENCODED)
                            .tag("dataset", "fashion-mnist")
                            .gauge()
                            .value(),
                    "progress on /metrics");
        }
        try (OperationalMetrics meters = OperationalMetrics.prometheus()) {
            LabelSpaces restarted = new LabelSpaces(model, null, cacheDir, ANY_SIZE, meters);
            ZeroShotClassifier cached = awaitReady(restarted, fashion);
            assertEquals(0.0, count(meters, "fashion-mnist", "model"), "nothing encoded again");
            assertEquals(1.0, count(meters, "fashion-mnist", "cache"));
            assertArrayEquals(encodedScores, cached.scores(image(restarted, fashion)));

            // Another class list is another label space: encoded, not read.
            List<String> fewer = new ArrayList<>(fashion.getClasses().subList(0, 5));
            ZeroShotClassifier other = awaitReady(restarted, info("fashion-mnist", fewer));
            assertEquals(fewer, other.labels());
            assertEquals(1.0, count(meters, "fashion-mnist", "model"));
            assertNotEquals(fashion.getClasses(), other.labels());
        }
    }

    @Test
    void anUnreadableCacheFileIsEncodedAgainAndReplaced(@TempDir Path cacheDir) throws Exception {
        DatasetInfo fashion = info("fashion-mnist", IdxDataset.FASHION_MNIST_CLASSES);
        float[] scores;
        try (OperationalMetrics meters = OperationalMetrics.prometheus()) {
            LabelSpaces first = new LabelSpaces(model, null, cacheDir, ANY_SIZE, meters);
            scores = awaitReady(first, fashion).scores(image(first, fashion));
        }
        try (var files = Files.list(cacheDir)) {
            for (Path file : files.toList()) {
                Files.write(file, new byte[] {1, 2, 3});
            }
        }
        try (OperationalMetrics meters = OperationalMetrics.prometheus()) {
            LabelSpaces restarted = new LabelSpaces(model, null, cacheDir, ANY_SIZE, meters);
            assertArrayEquals(scores, awaitReady(restarted, fashion).scores(image(restarted, fashion)));
            assertEquals(1.0, count(meters, "fashion-mnist", "model"), "encoded again");
        }
        try (OperationalMetrics meters = OperationalMetrics.prometheus()) {
            awaitReady(new LabelSpaces(model, null, cacheDir, ANY_SIZE, meters), fashion);
            assertEquals(1.0, count(meters, "fashion-mnist", "cache"), "and the file replaced");
        }
    }

    /** An image embedding to score: any fixed vector of the model's embedding size will do. */
    private static float[] image(LabelSpaces labelSpaces, DatasetInfo info) throws Exception {
        int dimensions = awaitReady(labelSpaces, info).classEmbeddings()[0].length;
        float[] embedding = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            embedding[i] = (float) Math.cos(i * 0.7);
        }
        return embedding;
    }
}
