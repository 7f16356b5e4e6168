package io.lr0.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.schema.Calibration;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import io.lr0.testing.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accuracy estimated without labels through the whole topology (TopologyTestDriver): the calibration from the
 * configured labelled source, on its topic, and read back to estimate every source, cumulative and per window.
 */
class EstimatedAccuracyStageTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private static final String CALIBRATING = "dataset:calibration";

    @TempDir
    Path stateDir;

    private TopologyHarness harness;
    private TestInputTopic<String, Prediction> predictions;
    private int sequence;

    @BeforeEach
    void start() {
        harness = TopologyHarness.start(
                stateDir,
                Map.of(
                        Lr0Config.METRICS_WINDOW_MS, "60000",
                        Lr0Config.ESTIMATE_CALIBRATION_SOURCES, CALIBRATING + ",dataset:ca#common",
                        Lr0Config.ESTIMATE_CALIBRATION_MIN_SAMPLES, "20"),
                null,
                null);
        predictions = harness.input("predictions", Prediction.class);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** {@code count} predictions of class c1 with top-1 score {@code score}; correct or wrong, or unlabelled (null). */
    private void predict(String source, String group, Integer resolution, int count, float score, Boolean correct) {
        predict(source, group, resolution, count, score, correct, T0);
    }

    private void predict(
            String source, String group, Integer resolution, int count, float score, Boolean correct, Instant at) {
        for (int i = 0; i < count; i++) {
            String predicted = Boolean.FALSE.equals(correct) ? "c2" : "c1";
            Prediction prediction = Prediction.newBuilder()
                    .setImageId("img" + sequence)
                    .setVariantKey("v" + sequence)
                    .setDataset("d1")
                    .setModel("m")
                    .setResolution(resolution)
                    .setSrMethod("bicubic")
                    .setLabel(correct == null ? null : "c1")
                    .setGroup(group)
                    .setPredicted(predicted)
                    .setTopK(List.of(new LabelScore(predicted, score), new LabelScore("c3", (1 - score) / 2)))
                    .setCorrect(correct)
                    .setSource(source)
                    .setCaptureTimestamp(at)
                    .setPredictionTimestamp(at)
                    .build();
            predictions.pipeInput("v" + sequence++, prediction, at);
        }
    }

    private Map<String, EstimatedAccuracy> estimates() {
        return harness.output("robustness-estimated", EstimatedAccuracy.class).readKeyValuesToMap();
    }

    /** Half of the calibration right at score 0.95, half wrong at 0.3: ATC's threshold is the bottom of 0.95's bin. */
    private void calibrate(Integer resolution) {
        predict(CALIBRATING, null, resolution, 10, 0.95f, true);
        predict(CALIBRATING, null, resolution, 10, 0.3f, false);
    }

    @Test
    void anUnlabelledCameraIsEstimatedFromTheCalibrationOfItsLabelSpace() {
        calibrate(7);
        predict("camera:door", null, 7, 3, 0.99f, null);
        predict("camera:door", null, 7, 1, 0.2f, null);

        Calibration calibration = harness.output("robustness-calibration", Calibration.class)
                .readKeyValuesToMap()
                .get("m/d1/7/bicubic");
        assertEquals(20, calibration.getVersion());
        assertEquals(0.5, calibration.getAccuracyTop1(), 1e-12);
        assertEquals(0.945, calibration.getThreshold(), 1e-12, "the bottom of 0.95f's bin (0.9499999)");

        EstimatedAccuracy camera = estimates().get("m/d1/camera:door/7/bicubic");
        assertEquals(0.75, camera.getEstimatedTop1(), 1e-12, "three of four scores above the threshold");
        assertEquals(4, camera.getSamples());
        assertEquals(0, camera.getLabelled());
        assertNull(camera.getMeasuredTop1());
        assertEquals(20, camera.getCalibrationVersion());
    }

    @Test
    void aLabelledSourceLeftOutOfTheCalibrationIsEstimatedBesideItsMeasuredAccuracy() {
        calibrate(7);
        predict("dataset:held-out", null, 7, 6, 0.97f, true);
        predict("dataset:held-out", null, 7, 2, 0.96f, false);
        predict("dataset:held-out", null, 7, 2, 0.1f, false);

        EstimatedAccuracy heldOut = estimates().get("m/d1/dataset:held-out/7/bicubic");
        assertEquals(0.8, heldOut.getEstimatedTop1(), 1e-12);
        assertEquals(0.6, heldOut.getMeasuredTop1(), 1e-12, "its labels are its check, not its calibration");
        assertEquals(20, heldOut.getCalibrationVersion(), "the held-out labels did not calibrate");
    }

    @Test
    void aNewCalibrationReEstimatesEverySourceOfItsLabelSpace() {
        calibrate(7);
        predict("camera:door", null, 7, 4, 0.6f, null);
        assertEquals(0.0, estimates().get("m/d1/camera:door/7/bicubic").getEstimatedTop1(), 1e-12);

        // Twenty more right at 0.5: 30 of 40 right, so the threshold drops to the bottom of 0.5's bin.
        predict(CALIBRATING, null, 7, 20, 0.5f, true);
        EstimatedAccuracy camera = estimates().get("m/d1/camera:door/7/bicubic");
        assertEquals(40, camera.getCalibrationVersion());
        assertEquals(1.0, camera.getEstimatedTop1(), 1e-12, "re-estimated without a new camera prediction");
        assertEquals(4, camera.getSamples());
    }

    @Test
    void aResolutionWithTooFewLabelledPredictionsIsNotEstimated() {
        calibrate(7);
        predict(CALIBRATING, null, 14, 19, 0.9f, true);
        predict("camera:door", null, 14, 5, 0.9f, null);
        predict("camera:door", null, 7, 5, 0.9f, null);

        Map<String, EstimatedAccuracy> estimates = estimates();
        assertTrue(estimates.containsKey("m/d1/camera:door/7/bicubic"));
        assertFalse(estimates.containsKey("m/d1/camera:door/14/bicubic"), "19 labelled, 20 needed");
    }

    @Test
    void groupsAreEstimatedApartAndOnlyTheListedGroupCalibrates() {
        predict("dataset:ca", "common", null, 10, 0.95f, true);
        predict("dataset:ca", "common", null, 10, 0.3f, false);
        predict("dataset:ca", "counter", null, 10, 0.99f, false);

        Map<String, EstimatedAccuracy> estimates = estimates();
        EstimatedAccuracy counter = estimates.get("m/d1/dataset:ca#counter/native/bicubic");
        assertEquals(1.0, counter.getEstimatedTop1(), 1e-12, "confidently wrong: the estimate cannot see it");
        assertEquals(0.0, counter.getMeasuredTop1(), 1e-12);
        assertEquals(20, counter.getCalibrationVersion(), "the counter group did not calibrate");
        assertEquals(0.5, estimates.get("m/d1/dataset:ca#common/native/bicubic").getEstimatedTop1(), 1e-12);
    }

    @Test
    void estimatesPerTumblingWindowOfCaptureTime() {
        calibrate(7);
        predict("camera:door", null, 7, 2, 0.99f, null, T0);
        predict("camera:door", null, 7, 2, 0.1f, null, T0.plus(Duration.ofMinutes(1)));

        Map<String, EstimatedAccuracy> windowed = harness.output(
                        "robustness-estimated-windowed", EstimatedAccuracy.class)
                .readKeyValuesToMap();
        String key = "m/d1/camera:door/7/bicubic@";
        EstimatedAccuracy first = windowed.get(key + T0.toEpochMilli());
        EstimatedAccuracy second =
                windowed.get(key + T0.plus(Duration.ofMinutes(1)).toEpochMilli());
        assertEquals(1.0, first.getEstimatedTop1(), 1e-12);
        assertEquals(T0, first.getWindowStart());
        assertEquals(0.0, second.getEstimatedTop1(), 1e-12);
        assertEquals(0.5, estimates().get("m/d1/camera:door/7/bicubic").getEstimatedTop1(), 1e-12);
    }

    /**
     * What the stage emits is stamped with the stream's clock, which the test driver moves, not the machine's: a
     * driver a year ahead stamps a year ahead.
     */
    @Test
    void recordsAreStampedWithTheStreamsClock() {
        Duration ahead = Duration.ofDays(365);
        harness.driver().advanceWallClockTime(ahead);
        Instant notBefore = Instant.now().plus(ahead.minusDays(1));
        calibrate(7);
        predict("camera:door", null, 7, 2, 0.99f, null);
        predict("camera:door", null, 7, 1, 0.99f, null, T0.plus(Duration.ofMinutes(1)));

        List<Instant> stamps = new java.util.ArrayList<>();
        harness.output("robustness-calibration", Calibration.class)
                .readValuesToList()
                .forEach(calibration -> stamps.add(calibration.getUpdated()));
        harness.output("robustness-estimated", EstimatedAccuracy.class)
                .readValuesToList()
                .forEach(estimate -> stamps.add(estimate.getUpdated()));
        harness.output("robustness-estimated-windowed", EstimatedAccuracy.class)
                .readValuesToList()
                .forEach(estimate -> stamps.add(estimate.getUpdated()));
        harness.output("robustness-metrics", io.lr0.schema.RobustnessMetric.class)
                .readValuesToList()
                .forEach(metric -> stamps.add(metric.getUpdated()));
        harness.output("robustness-summary", io.lr0.schema.RobustnessSummary.class)
                .readValuesToList()
                .forEach(summary -> stamps.add(summary.getUpdated()));
        assertTrue(stamps.size() > 5, "records of every kind: " + stamps);
        assertTrue(stamps.stream().allMatch(stamp -> !stamp.isBefore(notBefore)), "a year ahead: " + stamps);
    }
}
