package io.lr0.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ATC's threshold and estimate over score histograms, against the same computed on the raw scores. */
class EstimationTest {
    private static List<Long> histogram(double... scores) {
        List<Long> histogram = new ArrayList<>(Collections.nCopies(Estimation.BINS, 0L));
        for (double score : scores) {
            int bin = Estimation.bin(score);
            histogram.set(bin, histogram.get(bin) + 1);
        }
        return histogram;
    }

    @Test
    void noneRightPutsTheThresholdAboveEveryScore() {
        List<Long> histogram = histogram(0.2, 0.99, 1.0);
        assertEquals(1.0, Estimation.threshold(histogram, 0));
        assertEquals(0.0, Estimation.shareAbove(histogram, 3, 1.0));
    }

    @Test
    void allRightPutsItAtTheBottomOfTheLowestScoresBin() {
        List<Long> histogram = histogram(0.2, 0.5, 0.99);
        assertEquals(0.2, Estimation.threshold(histogram, 3), 1e-12);
        assertEquals(1.0, Estimation.shareAbove(histogram, 3, 0.2), 1e-12);
    }

    @Test
    void withinABinScoresCountAsSpreadEvenly() {
        // Four scores in the bin [0.5, 0.505): three of four right puts the threshold a quarter into it.
        List<Long> histogram = histogram(0.501, 0.502, 0.503, 0.504);
        double threshold = Estimation.threshold(histogram, 3);
        assertEquals(0.5 + 0.25 / Estimation.BINS, threshold, 1e-12);
        assertEquals(0.75, Estimation.shareAbove(histogram, 4, threshold), 1e-12);
    }

    @Test
    void scoresOfOneAndAboveFallInTheLastBin() {
        assertEquals(Estimation.BINS - 1, Estimation.bin(1.0));
        assertEquals(Estimation.BINS - 1, Estimation.bin(1.0000001));
        assertEquals(0, Estimation.bin(-0.0));
    }

    /**
     * On its own calibration data ATC reproduces the accuracy by construction; the histogram loses at most what
     * spreading scores evenly within one bin can: checked on random scores against the exact count.
     */
    @Test
    void theHistogramsEstimateIsTheExactOneWithinABinsWorth() {
        Random random = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            int n = 200 + random.nextInt(2000);
            double[] calibration = new double[n];
            boolean[] right = new boolean[n];
            int correct = 0;
            for (int i = 0; i < n; i++) {
                calibration[i] = Math.pow(random.nextDouble(), 0.3);
                right[i] = random.nextDouble() < calibration[i];
                correct += right[i] ? 1 : 0;
            }
            double threshold = Estimation.threshold(histogram(calibration), correct);
            assertEquals(
                    (double) correct / n,
                    Estimation.shareAbove(histogram(calibration), n, threshold),
                    1e-9,
                    "calibration data estimate themselves");
            double[] target = new double[1000];
            for (int i = 0; i < target.length; i++) {
                target[i] = Math.pow(random.nextDouble(), 0.5);
            }
            long exactAbove =
                    Arrays.stream(target).filter(score -> score > threshold).count();
            long inThresholdBin = Arrays.stream(target)
                    .filter(score -> Estimation.bin(score) == Estimation.bin(threshold))
                    .count();
            assertEquals(
                    (double) exactAbove / target.length,
                    Estimation.shareAbove(histogram(target), target.length, threshold),
                    (double) inThresholdBin / target.length + 1e-12);
        }
    }
}
