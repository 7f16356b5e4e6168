package io.lr0.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RobustnessReportTest {
    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

    private static RobustnessMetric metric(
            String dataset,
            Integer resolution,
            String method,
            Double top1,
            Double gamma,
            Double improved,
            Instant windowStart) {
        return RobustnessMetric.newBuilder()
                .setModel("clip")
                .setDataset(dataset)
                .setResolution(resolution)
                .setSrMethod(method)
                .setAccuracyTop1(top1)
                .setGamma(gamma)
                .setImprovedGamma(improved)
                .setWindowStart(windowStart)
                .setWindowEnd(windowStart == null ? null : windowStart.plusSeconds(60))
                .setUpdated(T0)
                .build();
    }

    private static RobustnessSummary summary(Integer resolution, String method, Double sar, Double war) {
        return RobustnessSummary.newBuilder()
                .setModel("clip")
                .setResolution(resolution)
                .setSrMethod(method)
                .setSar(sar)
                .setWar(war)
                .setUpdated(T0)
                .build();
    }

    private static final RobustnessReport REPORT = new RobustnessReport(
            List.of(
                    metric("imagenet1k", 16, "bicubic", 0.35, 0.5, 0.4999, null),
                    metric("imagenet1k", null, "bicubic", 0.70, 1.0, 1.0, null),
                    metric("eurosat", 16, "liif", 0.41, 0.82, 0.8, null),
                    metric("eurosat", 16, "bicubic", 0.40, 0.8, 0.78, null),
                    metric("eurosat", null, "bicubic", 0.50, 1.0, 0.99966, null),
                    // A window's value is not the cumulative figure the table shows.
                    metric("eurosat", 16, "bicubic", 0.99, 0.99, 0.99, T0)),
            List.of(summary(16, "bicubic", 0.65, 0.53214), summary(null, "bicubic", 1.0, 0.99983)));

    @Test
    void csvHasAColumnPerResolutionMethodAndMeasure() {
        assertEquals(
                "model,dataset,"
                        + "native bicubic top-1 %,native bicubic gamma,native bicubic Gamma,"
                        + "16px bicubic top-1 %,16px bicubic gamma,16px bicubic Gamma,"
                        + "16px liif top-1 %,16px liif gamma,16px liif Gamma\n"
                        + "clip,eurosat,50.00,1.0000,0.9997,40.00,0.8000,0.7800,41.00,0.8200,0.8000\n"
                        + "clip,imagenet1k,70.00,1.0000,1.0000,35.00,0.5000,0.4999,-,-,-\n"
                        + "clip,SAR,,1.00000,,,0.65000,,,-,\n"
                        + "clip,WAR,,,0.99983,,,0.53214,,,-\n",
                REPORT.render(RobustnessReport.Format.CSV));
    }

    @Test
    void markdownAndTextShowEachCellAsTopOneGammaAndImprovedGamma() {
        String markdown = REPORT.render(RobustnessReport.Format.MARKDOWN);
        assertTrue(
                markdown.startsWith("| model | dataset | native bicubic: top-1 % / gamma / Gamma | "
                        + "16px bicubic: top-1 % / gamma / Gamma | 16px liif: top-1 % / gamma / Gamma |\n"
                        + "| --- | --- | --- | --- | --- |\n"),
                markdown);
        assertTrue(
                markdown.contains(
                        "| clip | imagenet1k | 70.00 / 1.0000 / 1.0000 | 35.00 / 0.5000 / 0.4999 | - / - / - |"),
                markdown);
        assertTrue(markdown.contains("| clip | WAR | 0.99983 | 0.53214 | - |"), markdown);
        String text = REPORT.render(RobustnessReport.Format.WIDE);
        List<String> lines = text.lines().toList();
        assertEquals(5, lines.size(), text);
        // Aligned: every row's second cell starts where the header's does.
        int datasetColumn = lines.get(0).indexOf("dataset");
        lines.forEach(
                line -> assertTrue(line.charAt(datasetColumn - 1) == ' ' && line.charAt(datasetColumn) != ' ', line));
    }

    /** The default text fits a terminal of 100 columns: a block per model and dataset, a row per resolution. */
    @Test
    void textIsABlockPerDatasetWithARowPerResolutionAndMethod() {
        String text = REPORT.render(RobustnessReport.Format.TEXT);
        assertEquals("""
                model clip, dataset eurosat
                resolution  sr       top-1 %  gamma   Gamma
                native      bicubic  50.00    1.0000  0.9997
                16px        bicubic  40.00    0.8000  0.7800
                16px        liif     41.00    0.8200  0.8000
                model clip, dataset imagenet1k
                resolution  sr       top-1 %  gamma   Gamma
                native      bicubic  70.00    1.0000  1.0000
                16px        bicubic  35.00    0.5000  0.4999
                model clip, across datasets (LR0.FM: SAR = mean gamma, WAR = weighted mean Gamma)
                resolution  sr       SAR      WAR
                native      bicubic  1.00000  0.99983
                16px        bicubic  0.65000  0.53214
                """, text);
        assertTrue(text.lines().allMatch(line -> line.length() <= 100), text);
    }

    @Test
    void anIdCannotBreakTheTable() {
        RobustnessReport report =
                new RobustnessReport(List.of(metric("a,\"b\"\nc", null, "bicubic", 0.5, 1.0, 1.0, null)), List.of());
        assertTrue(report.render(RobustnessReport.Format.CSV).contains("clip,\"a,\"\"b\"\"\nc\",50.00"));
        assertEquals(2, report.render(RobustnessReport.Format.WIDE).lines().count());
        assertEquals(3, report.render(RobustnessReport.Format.TEXT).lines().count());
    }
}
