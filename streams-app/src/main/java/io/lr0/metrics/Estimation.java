package io.lr0.metrics;

import io.lr0.schema.Calibration;
import io.lr0.schema.ConfidenceSample;
import io.lr0.schema.ConfidenceState;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Top-1 accuracy estimated without labels, by average thresholded confidence (ATC; Garg et al., ICLR 2022): on
 * labelled predictions of a (model, label space, resolution, method), the top-1 score t above which the same share of
 * predictions lies as were right; a source's estimate is then its share of scores above t. Scores are counted in
 * histograms ({@link #BINS} bins, uniform within a bin), so calibrations and estimates are sums of counts: mergeable,
 * windowable and replayable (docs/metrics.md, "Without labels: estimated accuracy"). Pure functions over the Avro state records.
 */
public final class Estimation {
    /** Top-1 score bins: at 200, where the threshold falls within its bin moves an estimate by well under a point. */
    public static final int BINS = 200;

    private Estimation() {}

    public static ConfidenceState empty() {
        return ConfidenceState.newBuilder()
                .setModel("")
                .setDataset("")
                .setSrMethod("")
                .setHistogram(emptyHistogram())
                .build();
    }

    /**
     * What the estimate needs of a prediction; it calibrates when it is labelled and {@code calibrating} accepts its
     * source and group.
     */
    public static ConfidenceSample sample(
            Prediction prediction, BiPredicate<String, String> calibrating, Instant counted) {
        String source = Agreement.sourceOf(prediction);
        return ConfidenceSample.newBuilder()
                .setModel(prediction.getModel())
                .setDataset(prediction.getDataset())
                .setSource(source)
                .setGroup(prediction.getGroup())
                .setResolution(prediction.getResolution())
                .setSrMethod(prediction.getSrMethod())
                .setScore((float) Agreement.topScore(prediction))
                .setCorrect(prediction.getCorrect())
                .setCalibrates(prediction.getCorrect() != null && calibrating.test(source, prediction.getGroup()))
                .setCounted(counted)
                .build();
    }

    /**
     * Counts one prediction into a source's {@code counts} (which it updates and returns), all of one (model, label
     * space, source, group, resolution, method); a calibrating one also into the calibrating histogram.
     */
    public static ConfidenceState add(ConfidenceState counts, ConfidenceSample sample) {
        counts.setModel(sample.getModel());
        counts.setDataset(sample.getDataset());
        counts.setSource(sample.getSource());
        counts.setGroup(sample.getGroup());
        counts.setResolution(sample.getResolution());
        counts.setSrMethod(sample.getSrMethod());
        counts.setSamples(counts.getSamples() + 1);
        counts.setUpdated(latest(counts.getUpdated(), sample.getCounted()));
        if (sample.getCorrect() != null) {
            counts.setLabelled(counts.getLabelled() + 1);
            if (sample.getCorrect()) {
                counts.setCorrectTop1(counts.getCorrectTop1() + 1);
            }
        }
        int bin = bin(sample.getScore());
        increment(counts.getHistogram(), bin, 1);
        if (sample.getCalibrates()) {
            if (counts.getCalibrating().isEmpty()) {
                counts.setCalibrating(emptyHistogram());
            }
            increment(counts.getCalibrating(), bin, 1);
            if (sample.getCorrect()) {
                counts.setCalibratingCorrect(counts.getCalibratingCorrect() + 1);
            }
        }
        return counts;
    }

    /** Whether a source's counts hold predictions that calibrate. */
    public static boolean calibrates(ConfidenceState counts) {
        return !counts.getCalibrating().isEmpty();
    }

    /**
     * A source's calibrating predictions added to ({@code sign} 1) or taken from (-1) the calibration's counts of
     * their (model, label space, resolution, method), which it updates and returns: the calibration's counts are the
     * sum of its sources', kept as they change.
     */
    public static ConfidenceState addCalibrating(ConfidenceState calibration, ConfidenceState source, int sign) {
        calibration.setModel(source.getModel());
        calibration.setDataset(source.getDataset());
        calibration.setResolution(source.getResolution());
        calibration.setSrMethod(source.getSrMethod());
        List<Long> calibrating = source.getCalibrating();
        long labelled = 0;
        for (int bin = 0; bin < calibrating.size(); bin++) {
            increment(calibration.getHistogram(), bin, sign * calibrating.get(bin));
            labelled += calibrating.get(bin);
        }
        calibration.setLabelled(calibration.getLabelled() + sign * labelled);
        calibration.setSamples(calibration.getLabelled());
        calibration.setCorrectTop1(calibration.getCorrectTop1() + sign * source.getCalibratingCorrect());
        return calibration;
    }

    /** The same counts, stamped with the window [start, end) they are of. */
    public static ConfidenceState inWindow(ConfidenceState counts, Instant start, Instant end) {
        return ConfidenceState.newBuilder(counts)
                .setWindowStart(start)
                .setWindowEnd(end)
                .build();
    }

    /**
     * The calibration from labelled counts: ATC's threshold, its version the labelled predictions counted; null
     * while there are fewer than {@code minSamples}.
     */
    public static Calibration calibration(ConfidenceState counts, long minSamples, Instant now) {
        if (counts.getLabelled() < minSamples) {
            return null;
        }
        return Calibration.newBuilder()
                .setModel(counts.getModel())
                .setDataset(counts.getDataset())
                .setResolution(counts.getResolution())
                .setSrMethod(counts.getSrMethod())
                .setVersion(counts.getLabelled())
                .setAccuracyTop1((double) counts.getCorrectTop1() / counts.getLabelled())
                .setThreshold(threshold(counts.getHistogram(), counts.getCorrectTop1()))
                .setUpdated(now)
                .build();
    }

    /** The estimate of a source's counts (cumulative, or of their window) from the calibration of their cell. */
    public static EstimatedAccuracy estimate(ConfidenceState counts, Calibration calibration, Instant now) {
        return EstimatedAccuracy.newBuilder()
                .setModel(counts.getModel())
                .setDataset(counts.getDataset())
                .setSource(counts.getSource())
                .setGroup(counts.getGroup())
                .setResolution(counts.getResolution())
                .setSrMethod(counts.getSrMethod())
                .setSamples(counts.getSamples())
                .setEstimatedTop1(shareAbove(counts.getHistogram(), counts.getSamples(), calibration.getThreshold()))
                .setLabelled(counts.getLabelled())
                .setMeasuredTop1(
                        counts.getLabelled() == 0 ? null : (double) counts.getCorrectTop1() / counts.getLabelled())
                .setCalibrationVersion(calibration.getVersion())
                .setCalibrationAccuracyTop1(calibration.getAccuracyTop1())
                .setThreshold(calibration.getThreshold())
                .setWindowStart(counts.getWindowStart())
                .setWindowEnd(counts.getWindowEnd())
                .setUpdated(now)
                .build();
    }

    /**
     * The estimate of a source's counts from the calibration of their cell, as of the later of the two's last change
     * (by the stream's clock): a join has no clock of its own, and that is when its inputs made this value.
     */
    public static EstimatedAccuracy estimate(ConfidenceState counts, Calibration calibration) {
        return estimate(counts, calibration, latest(counts.getUpdated(), calibration.getUpdated()));
    }

    /** The later of two instants, either of which may be null (never both here: a calibration always has one). */
    static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    /**
     * The estimate of {@code counts} (a window's, say) with the calibration that {@code estimated} (its source's
     * cumulative estimate) was made with.
     */
    public static EstimatedAccuracy estimate(ConfidenceState counts, EstimatedAccuracy estimated, Instant now) {
        Calibration calibration = Calibration.newBuilder()
                .setModel(estimated.getModel())
                .setDataset(estimated.getDataset())
                .setResolution(estimated.getResolution())
                .setSrMethod(estimated.getSrMethod())
                .setVersion(estimated.getCalibrationVersion())
                .setAccuracyTop1(estimated.getCalibrationAccuracyTop1())
                .setThreshold(estimated.getThreshold())
                .setUpdated(estimated.getUpdated())
                .build();
        return estimate(counts, calibration, now);
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

    private static List<Long> emptyHistogram() {
        return new ArrayList<>(Collections.nCopies(BINS, 0L));
    }

    private static void increment(List<Long> histogram, int bin, long by) {
        histogram.set(bin, histogram.get(bin) + by);
    }

    /** The bin of a top-1 score in [0, 1]; 1.0 falls in the last. */
    static int bin(double score) {
        return Math.max(0, Math.min(BINS - 1, (int) (score * BINS)));
    }
}
