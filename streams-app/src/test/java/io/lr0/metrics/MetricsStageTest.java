package io.lr0.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.AgreementSummary;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import io.lr0.testing.TopologyHarness;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics stage on hand-made predictions, with the registry in process, driven by TopologyTestDriver. */
class MetricsStageTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final List<String> TEN =
            IntStream.range(0, 10).mapToObj(i -> "c" + i).toList();

    @TempDir
    Path stateDir;

    private TopologyHarness harness;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, DatasetInfo> datasets;
    private int sequence;

    @BeforeEach
    void start() {
        harness = TopologyHarness.start(stateDir, Map.of(Lr0Config.METRICS_WINDOW_MS, "60000"), null, null);
        predictions = harness.input("predictions", Prediction.class);
        datasets = harness.input("datasets", DatasetInfo.class);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private void labelSpace(String dataset, List<String> classes) {
        datasets.pipeInput(
                dataset,
                DatasetInfo.newBuilder()
                        .setId(dataset)
                        .setClasses(classes)
                        .setUpdated(T0)
                        .build());
    }

    /** {@code correct} of {@code count} predictions at {@code resolution} are right; the label is class c1. */
    private void predict(String dataset, Integer resolution, int count, int correct, String group, Instant at) {
        predict(dataset, resolution, "bicubic", count, correct, group, at);
    }

    private void predict(
            String dataset, Integer resolution, String srMethod, int count, int correct, String group, Instant at) {
        for (int i = 0; i < count; i++) {
            String predicted = i < correct ? "c1" : "c2";
            List<LabelScore> top =
                    new ArrayList<>(List.of(new LabelScore(predicted, 0.6f), new LabelScore("c3", 0.2f)));
            Prediction prediction = Prediction.newBuilder()
                    .setImageId("img" + sequence)
                    .setVariantKey("v" + sequence)
                    .setDataset(dataset)
                    .setModel("m")
                    .setResolution(resolution)
                    .setSrMethod(srMethod)
                    .setLabel("c1")
                    .setGroup(group)
                    .setPredicted(predicted)
                    .setTopK(top)
                    .setCorrect(i < correct)
                    .setCaptureTimestamp(at)
                    .setPredictionTimestamp(at)
                    .build();
            predictions.pipeInput("v" + sequence++, prediction, at);
        }
    }

    private Map<String, RobustnessMetric> metrics() {
        return harness.output("robustness-metrics", RobustnessMetric.class).readKeyValuesToMap();
    }

    @Test
    void accuracyGammaAndImprovedGammaPerResolution() {
        labelSpace("d1", TEN);
        predict("d1", null, 10, 8, null, T0);
        predict("d1", 7, 10, 4, null, T0);
        Prediction unlabelled = Prediction.newBuilder()
                .setImageId("u")
                .setDataset("d1")
                .setModel("m")
                .setResolution(7)
                .setPredicted("c1")
                .setCaptureTimestamp(T0)
                .setPredictionTimestamp(T0)
                .build();
        predictions.pipeInput("u", unlabelled, T0);

        Map<String, RobustnessMetric> latest = metrics();
        RobustnessMetric seven = latest.get("m/d1/7/bicubic");
        assertEquals(10, seven.getTotal());
        assertEquals(1, seven.getUnlabelled(), "counted, not scored");
        assertEquals(0.4, seven.getAccuracyTop1(), 1e-12);
        assertEquals(0.8, seven.getNativeAccuracyTop1(), 1e-12);
        assertEquals(0.5, seven.getGamma(), 1e-12);
        assertEquals(0.7, seven.getDistanceFromChance(), 1e-12);
        assertEquals(0.5 * (1 - Math.exp(-200 * 0.49)), seven.getImprovedGamma(), 1e-12);
        assertEquals(10, seven.getClasses());
        assertEquals(1.0, latest.get("m/d1/native/bicubic").getGamma(), 1e-12);
    }

    @Test
    void theCountsTravelWithoutTheThumbnail() {
        Prediction withThumbnail = Prediction.newBuilder()
                .setImageId("t")
                .setVariantKey("t@7")
                .setDataset("d1")
                .setModel("m")
                .setResolution(7)
                .setLabel("c1")
                .setPredicted("c1")
                .setTopK(List.of(new LabelScore("c1", 0.9f)))
                .setCorrect(true)
                .setCaptureTimestamp(T0)
                .setPredictionTimestamp(T0)
                .setThumbnail(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();

        Prediction slim = Accuracy.withoutThumbnail(withThumbnail);

        assertNull(slim.getThumbnail());
        assertEquals(3, withThumbnail.getThumbnail().remaining(), "the prediction itself keeps its thumbnail");
        Prediction expected =
                Prediction.newBuilder(withThumbnail).setThumbnail(null).build();
        assertEquals(expected, slim, "every other field is kept");

        labelSpace("d1", TEN);
        predictions.pipeInput("t@7/bicubic", withThumbnail, T0);
        assertEquals(1, metrics().get("m/d1/7/bicubic").getCorrectTop1());
    }

    @Test
    void eachSuperResolutionMethodIsMeasuredAgainstTheOneNativeAccuracy() {
        labelSpace("d1", TEN);
        predict("d1", null, 10, 8, null, T0);
        predict("d1", 7, "bicubic", 10, 4, null, T0);
        predict("d1", 7, "liif", 10, 6, null, T0);

        Map<String, RobustnessMetric> latest = metrics();
        assertEquals(0.5, latest.get("m/d1/7/bicubic").getGamma(), 1e-12);
        RobustnessMetric liif = latest.get("m/d1/7/liif");
        assertEquals(0.6, liif.getAccuracyTop1(), 1e-12);
        assertEquals(0.8, liif.getNativeAccuracyTop1(), 1e-12, "A_HR is the native (bicubic) cell's");
        assertEquals(0.75, liif.getGamma(), 1e-12);
        assertNull(latest.get("m/d1/native/liif"), "the native variant is classified once");
    }

    @Test
    void withoutNativeAccuracyOrLabelSpaceTheRatiosStayUnset() {
        predict("unknown-dataset", 7, 4, 1, null, T0);

        RobustnessMetric seven = metrics().get("m/unknown-dataset/7/bicubic");
        assertEquals(0.25, seven.getAccuracyTop1(), 1e-12);
        assertNull(seven.getGamma(), "no native accuracy yet: no division by zero");
        assertNull(seven.getImprovedGamma());
        assertEquals(0, seven.getClasses(), "label space unknown");

        predict("unknown-dataset", null, 2, 2, null, T0);
        RobustnessMetric updated = metrics().get("m/unknown-dataset/7/bicubic");
        assertEquals(0.25, updated.getGamma(), 1e-12, "gamma needs A_HR only");
        assertNull(updated.getImprovedGamma(), "Gamma needs C");
    }

    @Test
    void counterAnimalGroupsAndDrop() {
        labelSpace("animals", TEN);
        predict("animals", null, 4, 3, "common", T0); // c1 common: 0.75
        predict("animals", null, 4, 1, "counter", T0); // c1 counter: 0.25

        RobustnessMetric reference = metrics().get("m/animals/native/bicubic");
        assertEquals(0.75, reference.getGroupAccuracy().get("common"), 1e-12);
        assertEquals(0.25, reference.getGroupAccuracy().get("counter"), 1e-12);
        assertEquals(0.5, reference.getCounterDrop(), 1e-12);
        assertEquals(2, reference.getGroupCounts().size());
    }

    /** ImageNet under LR0.FM's own id, imagenet1k: its WAR weight, named in the summary. */
    @Test
    void sarAndWarAcrossDatasets() {
        labelSpace("eurosat", TEN);
        labelSpace("imagenet1k", IntStream.range(0, 1000).mapToObj(i -> "c" + i).toList());
        predict("eurosat", null, 10, 5, null, T0);
        predict("eurosat", 16, 10, 4, null, T0);
        predict("imagenet1k", null, 10, 7, null, T0);
        predict("imagenet1k", 16, 10, 3, null, T0);

        RobustnessSummary summary = harness.output("robustness-summary", RobustnessSummary.class)
                .readKeyValuesToMap()
                .get("m/16/bicubic");
        Robustness.Aggregate expected = Robustness.aggregate(
                List.of(
                        new Robustness.DatasetResult("eurosat", 10, 0.5, 0.4),
                        new Robustness.DatasetResult("imagenet1k", 1000, 0.7, 0.3)),
                WarWeights.lr0fm(),
                200);
        assertEquals((0.8 + 0.3 / 0.7) / 2, summary.getSar(), 1e-12);
        assertEquals(expected.war(), summary.getWar(), 1e-12);
        assertEquals(
                List.of("eurosat", "imagenet1k"),
                summary.getDatasets().stream().sorted().toList());
        assertEquals(20, summary.getTotal());
        assertEquals(Map.of("eurosat", 1.0, "imagenet1k", 0.15556), summary.getWarWeights());
    }

    /** One prediction of image {@code image} of a camera: no label, hand-made top-k and entropy. */
    private void camera(
            String image, Integer resolution, String srMethod, List<String> top, float entropy, Instant at) {
        List<LabelScore> scores = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            scores.add(new LabelScore(top.get(i), i == 0 ? 0.5f : 0.1f));
        }
        Prediction prediction = Prediction.newBuilder()
                .setImageId(image)
                .setVariantKey(image + "@" + resolution)
                .setDataset("camera")
                .setSource("camera:door")
                .setModel("m")
                .setResolution(resolution)
                .setSrMethod(srMethod)
                .setPredicted(top.get(0))
                .setTopK(scores)
                .setEntropy(entropy)
                .setCaptureTimestamp(at)
                .setPredictionTimestamp(at)
                .build();
        predictions.pipeInput(image + "@" + resolution + "/" + srMethod, prediction, at);
    }

    /**
     * Without labels: each low-resolution prediction against its image's native one, per source. Hand-made so the
     * answer is known: at 16 px image a agrees (top-1 cat, its top-2 shares 2 of the native 2 labels), image b does
     * not (dog for cat, 1 of 2 shared): agreement 0.5, top-k overlap 0.75; LIIF agrees on both. A low-resolution
     * prediction that arrives before its native one still meets it.
     */
    @Test
    void agreementWithNativeResolutionNeedsNoLabel() {
        labelSpace("camera", List.of("cat", "dog", "fox"));
        camera("a", null, "bicubic", List.of("cat", "dog"), 0.4f, T0);
        camera("a", 16, "bicubic", List.of("cat", "dog"), 0.8f, T0);
        camera("b", 16, "bicubic", List.of("dog", "cat"), 1.0f, T0.plusSeconds(1));
        camera("b", null, "bicubic", List.of("cat", "fox"), 0.6f, T0.plusSeconds(1));
        camera("a", 16, "liif", List.of("cat", "fox"), 0.6f, T0);
        camera("b", 16, "liif", List.of("cat", "fox"), 0.6f, T0.plusSeconds(1));

        Map<String, AgreementMetric> agreement =
                harness.output("robustness-agreement", AgreementMetric.class).readKeyValuesToMap();
        var bicubic = agreement.get("m/camera:door/16/bicubic");
        assertEquals(2, bicubic.getSamples());
        assertEquals(0.5, bicubic.getAgreementTop1(), 1e-12);
        assertEquals((1.0 + 0.5) / 2, bicubic.getTop5Overlap(), 1e-12);
        assertEquals(0.5, bicubic.getMeanConfidence(), 1e-6);
        assertEquals((0.8 + 1.0) / 2, bicubic.getMeanEntropy(), 1e-6);
        assertEquals((0.4 + 0.6) / 2, bicubic.getNativeMeanEntropy(), 1e-6);
        var liif = agreement.get("m/camera:door/16/liif");
        assertEquals(1.0, liif.getAgreementTop1(), 1e-12);
        assertEquals((0.5 + 1.0) / 2, liif.getTop5Overlap(), 1e-12);
        assertNull(agreement.get("m/camera:door/native/bicubic"), "native is the reference, not a cell");
    }

    /**
     * Across resolutions each resolution counts once, however many frames it had: 16 px agrees on 1 of 2 frames,
     * 32 px on its 1 frame, so the mean is 0.75 (a mean over frames would say 2/3); the native figures are over all
     * 3 pairs.
     */
    @Test
    void agreementAcrossResolutionsWeighsEachResolutionOnce() {
        labelSpace("camera", List.of("cat", "dog", "fox"));
        camera("a", null, "bicubic", List.of("cat", "dog"), 0.4f, T0);
        camera("a", 16, "bicubic", List.of("cat", "dog"), 0.8f, T0);
        camera("a", 32, "bicubic", List.of("cat", "dog"), 0.6f, T0);
        camera("b", null, "bicubic", List.of("cat", "fox"), 0.6f, T0.plusSeconds(1));
        camera("b", 16, "bicubic", List.of("dog", "cat"), 1.0f, T0.plusSeconds(1));

        AgreementSummary summary = harness.output("robustness-agreement-summary", AgreementSummary.class)
                .readKeyValuesToMap()
                .get("m/camera:door/bicubic");
        assertEquals(List.of(16, 32), summary.getResolutions());
        assertEquals(3, summary.getSamples());
        assertEquals((0.5 + 1.0) / 2, summary.getMeanAgreementTop1(), 1e-12);
        assertEquals(((1.0 + 0.5) / 2 + 1.0) / 2, summary.getMeanTop5Overlap(), 1e-12);
        assertEquals((0.9 + 0.6) / 2, summary.getMeanEntropy(), 1e-6);
        assertEquals((0.4 + 0.6 + 0.4) / 3, summary.getNativeMeanEntropy(), 1e-6);
        assertEquals(0.5, summary.getNativeMeanConfidence(), 1e-6);
        assertNull(summary.getWindowStart());
    }

    /**
     * Agreement per tumbling window of capture time: a camera that agrees in its first minute and not in its second
     * shows 1.0 then 0.0 per window, 0.5 cumulatively; each window's record names its bounds.
     */
    @Test
    void agreementPerTumblingWindow() {
        labelSpace("camera", List.of("cat", "dog", "fox"));
        camera("a", null, "bicubic", List.of("cat", "dog"), 0.4f, T0);
        camera("a", 16, "bicubic", List.of("cat", "dog"), 0.8f, T0);
        camera("b", null, "bicubic", List.of("cat", "fox"), 0.6f, T0.plusSeconds(70));
        camera("b", 16, "bicubic", List.of("dog", "cat"), 1.0f, T0.plusSeconds(70));

        Map<String, AgreementMetric> windows = harness.output("robustness-agreement-windowed", AgreementMetric.class)
                .readKeyValuesToMap();
        AgreementMetric first = windows.get("m/camera:door/16/bicubic@" + T0.toEpochMilli());
        AgreementMetric second =
                windows.get("m/camera:door/16/bicubic@" + T0.plusSeconds(60).toEpochMilli());
        assertEquals(1, first.getSamples());
        assertEquals(1.0, first.getAgreementTop1(), 1e-12);
        assertEquals(T0, first.getWindowStart());
        assertEquals(T0.plusSeconds(60), first.getWindowEnd());
        assertEquals(0.0, second.getAgreementTop1(), 1e-12);
        assertEquals(0.5, second.getTop5Overlap(), 1e-12);
        assertEquals(T0.plusSeconds(120), second.getWindowEnd());
        AgreementMetric cumulative = harness.output("robustness-agreement", AgreementMetric.class)
                .readKeyValuesToMap()
                .get("m/camera:door/16/bicubic");
        assertEquals(0.5, cumulative.getAgreementTop1(), 1e-12);
        assertNull(cumulative.getWindowStart(), "cumulative records name no window");
    }

    @Test
    void tumblingWindowsOfCaptureTime() {
        labelSpace("d1", TEN);
        predict("d1", null, 2, 2, null, T0);
        predict("d1", null, 2, 0, null, T0.plusSeconds(90));

        Map<String, RobustnessMetric> windows = harness.output("robustness-metrics-windowed", RobustnessMetric.class)
                .readKeyValuesToMap();
        RobustnessMetric first = windows.get("m/d1/native/bicubic@" + T0.toEpochMilli());
        RobustnessMetric second =
                windows.get("m/d1/native/bicubic@" + T0.plusSeconds(60).toEpochMilli());
        assertEquals(1.0, first.getAccuracyTop1(), 1e-12);
        assertEquals(0.0, second.getAccuracyTop1(), 1e-12);
        assertEquals(T0.plusSeconds(60), first.getWindowEnd());
        assertTrue(metrics().get("m/d1/native/bicubic").getTotal() == 4, "cumulative counts both windows");
    }

    @Test
    void aLatePredictionCountsInItsWindowWithinTheGraceAndOnlyCumulativelyAfterIt() {
        labelSpace("d1", TEN);
        predict("d1", null, 2, 2, null, T0);
        predict("d1", null, 2, 0, null, T0.plusSeconds(90));
        // 80 s late, past its window's end: a LIIF prediction behind the bicubic ones of the same capture time.
        predict("d1", null, 2, 0, null, T0.plusSeconds(10));
        // Stream time past the first window's end + the 5-minute default grace: the next late one is too late.
        predict("d1", null, 2, 2, null, T0.plusSeconds(400));
        predict("d1", null, 2, 0, null, T0.plusSeconds(20));

        RobustnessMetric first = harness.output("robustness-metrics-windowed", RobustnessMetric.class)
                .readKeyValuesToMap()
                .get("m/d1/native/bicubic@" + T0.toEpochMilli());
        assertEquals(4, first.getTotal());
        assertEquals(0.5, first.getAccuracyTop1(), 1e-12);
        assertEquals(10, metrics().get("m/d1/native/bicubic").getTotal(), "cumulative counts every prediction");
    }
}
