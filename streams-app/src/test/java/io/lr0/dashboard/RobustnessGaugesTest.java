package io.lr0.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.dashboard.RobustnessGauges.Family;
import io.lr0.dashboard.RobustnessGauges.Row;
import io.lr0.metrics.AlertRule.Measure;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.EstimatedAccuracy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RobustnessGaugesTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private static EstimatedAccuracy estimate(String source, String group, Integer resolution, double top1, long n) {
        return EstimatedAccuracy.newBuilder()
                .setModel("clip")
                .setDataset("fmnist")
                .setSource(source)
                .setGroup(group)
                .setResolution(resolution)
                .setSrMethod("bicubic")
                .setSamples(n)
                .setEstimatedTop1(top1)
                .setCalibrationVersion(500)
                .setCalibrationAccuracyTop1(0.8)
                .setThreshold(0.4)
                .setUpdated(NOW)
                .build();
    }

    private static AgreementMetric agreement(String source, double top1, long n) {
        return AgreementMetric.newBuilder()
                .setModel("clip")
                .setSource(source)
                .setResolution(16)
                .setSrMethod("bicubic")
                .setSamples(n)
                .setAgreementTop1(top1)
                .setTop5Overlap(0.9)
                .setMeanConfidence(0.5)
                .setNativeMeanConfidence(0.6)
                .setUpdated(NOW)
                .build();
    }

    private static Row only(List<Row> rows, Family family, String source) {
        List<Row> found = rows.stream()
                .filter(row ->
                        row.family() == family && row.labels().get("source").equals(source))
                .toList();
        assertEquals(1, found.size(), family + " of " + source + " in " + rows);
        return found.get(0);
    }

    @Test
    void sourcesBeyondTheCapAreMergedUnderOtherWeighedByTheirSamples() {
        List<Row> rows = new ArrayList<>();
        RobustnessGauges.addEstimate(rows, estimate("camera:a", null, 16, 0.9, 300), false);
        RobustnessGauges.addEstimate(rows, estimate("camera:b", null, 16, 0.6, 100), false);
        RobustnessGauges.addEstimate(rows, estimate("camera:c", null, 16, 0.2, 50), false);
        RobustnessGauges.addAgreement(rows, agreement("camera:b", 0.7, 100), false);
        RobustnessGauges.addAgreement(rows, agreement("camera:c", 0.4, 150), false);

        List<Row> capped = RobustnessGauges.capSources(rows, 1);

        // camera:a has 300 predictions, camera:c 50 + 150 = 200, camera:b 100 + 100: a stays named.
        assertEquals(0.9, only(capped, Family.ESTIMATED_TOP1, "camera:a").value());
        Row other = only(capped, Family.ESTIMATED_TOP1, RobustnessGauges.OTHER_SOURCES);
        assertEquals((0.6 * 100 + 0.2 * 50) / 150, other.value(), 1e-12);
        assertEquals(
                150,
                only(capped, Family.ESTIMATED_SAMPLES, RobustnessGauges.OTHER_SOURCES)
                        .value());
        assertEquals(
                (0.7 * 100 + 0.4 * 150) / 250,
                only(capped, Family.AGREEMENT_TOP1, RobustnessGauges.OTHER_SOURCES)
                        .value(),
                1e-12);
        assertTrue(capped.stream().noneMatch(row -> row.labels().get("source").equals("camera:b")));

        List<Row> uncapped = RobustnessGauges.capSources(rows, 3);
        assertEquals(rows.size(), uncapped.size(), "under the cap nothing is merged");
    }

    @Test
    void rowsBecomePrometheusSeriesAndGoneRowsDisappear() {
        try (OperationalMetrics meters = OperationalMetrics.prometheus()) {
            RobustnessGauges gauges = new RobustnessGauges(null, Duration.ofMinutes(1), 20, meters.registry());
            List<Row> rows = new ArrayList<>();
            RobustnessGauges.addEstimate(rows, estimate("camera:a", "counter", null, 0.25, 40), false);
            RobustnessGauges.addEstimate(rows, estimate("camera:b", null, 16, 0.5, 40), true);
            gauges.publish(rows);

            String text = meters.scrape();
            assertTrue(
                    text.contains("lr0_estimated_top1{dataset=\"fmnist\",group=\"counter\",method=\"bicubic\","
                            + "model=\"clip\",resolution=\"native\",source=\"camera:a\"} 0.25"),
                    text);
            assertTrue(
                    text.contains("lr0_estimated_top1_window{dataset=\"fmnist\",group=\"\",method=\"bicubic\","
                            + "model=\"clip\",resolution=\"16\",source=\"camera:b\"} 0.5"),
                    text);
            assertTrue(text.contains("# HELP lr0_estimated_top1 Top-1 accuracy estimated without labels"), text);

            gauges.publish(List.of());
            assertFalse(meters.scrape().contains("camera:a"), "a series whose row is gone is removed");
        }
    }

    @Test
    void eachMeasureNamesTheGaugesItsRulesRead() {
        assertEquals("lr0_estimated_top1_window", RobustnessGauges.gaugeOf(Measure.ESTIMATED_TOP1, true));
        assertEquals("lr0_measured_samples_window", RobustnessGauges.samplesGaugeOf(Measure.GAMMA, true));
        assertEquals("lr0_agreement_top1", RobustnessGauges.gaugeOf(Measure.AGREEMENT_TOP1, false));
    }
}
