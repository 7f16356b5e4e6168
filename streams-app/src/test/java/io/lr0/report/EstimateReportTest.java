package io.lr0.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lr0.schema.EstimatedAccuracy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The estimates' table: a row per source and cell, the check beside labelled sources only, windows left out. */
class EstimateReportTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static EstimatedAccuracy estimate(
            String source, String group, Integer resolution, double estimated, Double measured, Instant windowStart) {
        return EstimatedAccuracy.newBuilder()
                .setModel("m")
                .setDataset("d")
                .setSource(source)
                .setGroup(group)
                .setResolution(resolution)
                .setSrMethod("bicubic")
                .setSamples(200)
                .setEstimatedTop1(estimated)
                .setLabelled(measured == null ? 0 : 200)
                .setMeasuredTop1(measured)
                .setCalibrationVersion(400)
                .setCalibrationAccuracyTop1(0.5)
                .setThreshold(0.7)
                .setWindowStart(windowStart)
                .setWindowEnd(windowStart == null ? null : windowStart.plusSeconds(60))
                .setUpdated(T0)
                .build();
    }

    @Test
    void labelledSourcesShowTheirErrorUnlabelledOnesOnlyTheEstimate() {
        EstimateReport report = new EstimateReport(List.of(
                estimate("camera:door", null, 7, 0.4, null, null),
                estimate("dataset:ca", "counter", null, 0.685, 0.38, null),
                estimate("dataset:ca", "common", 7, 0.48, 0.48 + 1e-17, null),
                estimate("camera:door", null, 7, 0.1, null, T0)));
        assertEquals(
                String.join(
                        "\n",
                        "| model | dataset | source | resolution | method | samples | estimated top-1 | measured top-1 "
                                + "| error (points) | calibrated on |",
                        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
                        "| m | d | camera:door | 7px | bicubic | 200 | 40.00 |  |  | 400 |",
                        "| m | d | dataset:ca #common | 7px | bicubic | 200 | 48.00 | 48.00 | +0.00 | 400 |",
                        "| m | d | dataset:ca #counter | native | bicubic | 200 | 68.50 | 38.00 | +30.50 | 400 |",
                        ""),
                report.render(true));
    }
}
