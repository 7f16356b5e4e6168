package io.lr0.metrics;

import io.lr0.schema.Calibration;
import io.lr0.schema.CalibrationCell;
import io.lr0.schema.ConfidenceCell;
import io.lr0.schema.ConfidenceState;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Top-1 accuracy estimated without labels, by average thresholded confidence (ATC; Garg et al., ICLR 2022): on
 * labelled predictions of a (model, label space, resolution, method), the top-1 score t above which the same share of
 * predictions lies as were right; a source's estimate is then its share of scores above t. Scores are counted in
 * histograms ({@link #BINS} bins, uniform within a bin), so calibrations and estimates are sums of counts: mergeable,
 * windowable and replayable (docs/metrics.md, "Estimated accuracy"). Pure functions over the Avro state records.
 */
public final class Estimation {
    /** Top-1 score bins: at 200, where the threshold falls within its bin moves an estimate by well under a point. */
    public static final int BINS = 200;

    private Estimation() {}

    public static ConfidenceState empty() {
        return ConfidenceState.newBuilder()
                .setModel("")
                .setDataset("")
                .setCells(new ArrayList<>())
                .build();
    }

    /**
     * Counts one prediction into {@code state} (which it updates and returns): the counts of a source when
     * {@code perSource}, else of a calibration (source and group left null).
     */
    public static ConfidenceState add(ConfidenceState state, Prediction prediction, boolean perSource) {
        state.setModel(prediction.getModel());
        state.setDataset(prediction.getDataset());
        if (perSource) {
            state.setSource(Agreement.sourceOf(prediction));
            state.setGroup(prediction.getGroup());
        }
        ConfidenceCell cell = cell(state, prediction.getResolution(), prediction.getSrMethod());
        cell.setSamples(cell.getSamples() + 1);
        if (prediction.getCorrect() != null) {
            cell.setLabelled(cell.getLabelled() + 1);
            if (prediction.getCorrect()) {
                cell.setCorrectTop1(cell.getCorrectTop1() + 1);
            }
        }
        List<Long> histogram = cell.getHistogram();
        int bin = bin(Agreement.topScore(prediction));
        histogram.set(bin, histogram.get(bin) + 1);
        return state;
    }

    /** The same counts, stamped with the window [start, end) they are of. */
    public static ConfidenceState inWindow(ConfidenceState state, Instant start, Instant end) {
        return ConfidenceState.newBuilder(state)
                .setWindowStart(start)
                .setWindowEnd(end)
                .build();
    }

    /**
     * The calibration of a label space from its labelled counts: ATC's threshold for each (resolution, method) with
     * at least {@code minSamples} labelled predictions; its version the labelled predictions counted in all.
     */
    public static Calibration calibration(ConfidenceState counts, long minSamples, Instant now) {
        List<CalibrationCell> cells = new ArrayList<>();
        long version = 0;
        for (ConfidenceCell cell : counts.getCells()) {
            version += cell.getLabelled();
            if (cell.getLabelled() < minSamples) {
                continue;
            }
            cells.add(CalibrationCell.newBuilder()
                    .setResolution(cell.getResolution())
                    .setSrMethod(cell.getSrMethod())
                    .setSamples(cell.getLabelled())
                    .setAccuracyTop1((double) cell.getCorrectTop1() / cell.getLabelled())
                    .setThreshold(threshold(cell.getHistogram(), cell.getCorrectTop1()))
                    .build());
        }
        return Calibration.newBuilder()
                .setModel(counts.getModel())
                .setDataset(counts.getDataset())
                .setVersion(version)
                .setCells(cells)
                .setUpdated(now)
                .build();
    }

    /**
     * The estimate of every (resolution, method) of a source's counts that {@code calibration} covers; cumulative or
     * of the counts' window.
     */
    public static List<EstimatedAccuracy> estimates(ConfidenceState counts, Calibration calibration, Instant now) {
        List<EstimatedAccuracy> estimates = new ArrayList<>();
        for (ConfidenceCell cell : counts.getCells()) {
            CalibrationCell calibrated = calibration.getCells().stream()
                    .filter(c -> Objects.equals(c.getResolution(), cell.getResolution())
                            && c.getSrMethod().equals(cell.getSrMethod()))
                    .findFirst()
                    .orElse(null);
            if (calibrated == null || cell.getSamples() == 0) {
                continue;
            }
            estimates.add(EstimatedAccuracy.newBuilder()
                    .setModel(counts.getModel())
                    .setDataset(counts.getDataset())
                    .setSource(counts.getSource())
                    .setGroup(counts.getGroup())
                    .setResolution(cell.getResolution())
                    .setSrMethod(cell.getSrMethod())
                    .setSamples(cell.getSamples())
                    .setEstimatedTop1(shareAbove(cell.getHistogram(), cell.getSamples(), calibrated.getThreshold()))
                    .setLabelled(cell.getLabelled())
                    .setMeasuredTop1(
                            cell.getLabelled() == 0 ? null : (double) cell.getCorrectTop1() / cell.getLabelled())
                    .setCalibrationVersion(calibration.getVersion())
                    .setCalibrationSamples(calibrated.getSamples())
                    .setCalibrationAccuracyTop1(calibrated.getAccuracyTop1())
                    .setThreshold(calibrated.getThreshold())
                    .setWindowStart(counts.getWindowStart())
                    .setWindowEnd(counts.getWindowEnd())
                    .setUpdated(now)
                    .build());
        }
        return estimates;
    }

    /**
     * ATC's threshold: the score t such that {@code correct} of the histogram's predictions lie above it, scores
     * spread evenly within their bin; 1.0 (nothing above) when none was right.
     */
    static double threshold(List<Long> histogram, long correct) {
        if (correct <= 0) {
            return 1.0;
        }
        long above = 0;
        for (int bin = histogram.size() - 1; bin >= 0; bin--) {
            long count = histogram.get(bin);
            if (count > 0 && above + count >= correct) {
                double inBin = (double) (correct - above) / count;
                return (bin + 1 - inBin) / histogram.size();
            }
            above += count;
        }
        return 0.0;
    }

    /** The share of the histogram's {@code samples} predictions above {@code threshold}, even within each bin. */
    static double shareAbove(List<Long> histogram, long samples, double threshold) {
        double above = 0;
        int bins = histogram.size();
        for (int bin = 0; bin < bins; bin++) {
            double low = (double) bin / bins;
            double high = (double) (bin + 1) / bins;
            if (low >= threshold) {
                above += histogram.get(bin);
            } else if (high > threshold) {
                above += histogram.get(bin) * (high - threshold) * bins;
            }
        }
        return above / samples;
    }

    /** The bin of a top-1 score in [0, 1]; 1.0 falls in the last. */
    static int bin(double score) {
        return Math.max(0, Math.min(BINS - 1, (int) (score * BINS)));
    }

    private static ConfidenceCell cell(ConfidenceState state, Integer resolution, String srMethod) {
        for (ConfidenceCell cell : state.getCells()) {
            if (Objects.equals(cell.getResolution(), resolution)
                    && cell.getSrMethod().equals(srMethod)) {
                return cell;
            }
        }
        ConfidenceCell created = ConfidenceCell.newBuilder()
                .setResolution(resolution)
                .setSrMethod(srMethod)
                .setHistogram(new ArrayList<>(Collections.nCopies(BINS, 0L)))
                .build();
        state.getCells().add(created);
        return created;
    }
}
