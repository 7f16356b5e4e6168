package io.lr0.metrics;

import io.lr0.schema.AgreementCell;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.AgreementSample;
import io.lr0.schema.AgreementState;
import io.lr0.schema.AgreementSummary;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Robustness without labels: each low-resolution (or LIIF) prediction against the same image's native-resolution
 * prediction by the same model. Top-1 agreement is the share whose arg-max is the native one; the top-k overlap the
 * share of the native top-k labels also in the low-resolution top-k; confidence (top-1 score) and entropy say how
 * sure the model stays. The native prediction is the reference, so no ground truth is needed (docs/metrics.md).
 */
public final class Agreement {
    private Agreement() {}

    /** The source measures are kept per: the image's source, else (predictions written before it) its dataset. */
    public static String sourceOf(Prediction prediction) {
        return prediction.getSource() != null ? prediction.getSource() : prediction.getDataset();
    }

    /** One low-resolution prediction beside its image's native prediction. */
    public static AgreementSample sample(Prediction lowRes, Prediction nativePrediction) {
        Set<String> nativeTop = labels(nativePrediction.getTopK());
        Set<String> lowTop = labels(lowRes.getTopK());
        long shared = nativeTop.stream().filter(lowTop::contains).count();
        return AgreementSample.newBuilder()
                .setModel(lowRes.getModel())
                .setSource(sourceOf(lowRes))
                .setResolution(lowRes.getResolution())
                .setSrMethod(lowRes.getSrMethod())
                .setAgreesTop1(lowRes.getPredicted().equals(nativePrediction.getPredicted()))
                .setTop5Overlap(nativeTop.isEmpty() ? 0 : (double) shared / nativeTop.size())
                .setConfidence(topScore(lowRes))
                .setEntropy(
                        lowRes.getEntropy() == null ? null : lowRes.getEntropy().doubleValue())
                .setNativeConfidence(topScore(nativePrediction))
                .setNativeEntropy(
                        nativePrediction.getEntropy() == null
                                ? null
                                : nativePrediction.getEntropy().doubleValue())
                .build();
    }

    public static AgreementState empty() {
        return AgreementState.newBuilder()
                .setModel("")
                .setSource("")
                .setCells(new ArrayList<>())
                .build();
    }

    /** {@code state} with {@code sample} counted in its (resolution, method) cell. */
    public static AgreementState add(AgreementState state, AgreementSample sample) {
        state.setModel(sample.getModel());
        state.setSource(sample.getSource());
        AgreementCell cell = state.getCells().stream()
                .filter(c -> c.getResolution() == sample.getResolution()
                        && c.getSrMethod().equals(sample.getSrMethod()))
                .findFirst()
                .orElseGet(() -> {
                    AgreementCell created = AgreementCell.newBuilder()
                            .setResolution(sample.getResolution())
                            .setSrMethod(sample.getSrMethod())
                            .build();
                    state.getCells().add(created);
                    return created;
                });
        cell.setSamples(cell.getSamples() + 1);
        cell.setAgreeTop1(cell.getAgreeTop1() + (sample.getAgreesTop1() ? 1 : 0));
        cell.setTop5OverlapSum(cell.getTop5OverlapSum() + sample.getTop5Overlap());
        cell.setConfidenceSum(cell.getConfidenceSum() + sample.getConfidence());
        cell.setNativeConfidenceSum(cell.getNativeConfidenceSum() + sample.getNativeConfidence());
        if (sample.getEntropy() != null && sample.getNativeEntropy() != null) {
            cell.setEntropySamples(cell.getEntropySamples() + 1);
            cell.setEntropySum(cell.getEntropySum() + sample.getEntropy());
            cell.setNativeEntropySum(cell.getNativeEntropySum() + sample.getNativeEntropy());
        }
        return state;
    }

    /**
     * The metric of every (resolution, method) cell of a model on a source: cumulative when {@code windowStart} is
     * null, else of the window [windowStart, windowEnd).
     */
    public static List<AgreementMetric> metrics(
            AgreementState state, Instant windowStart, Instant windowEnd, Instant now) {
        List<AgreementMetric> metrics = new ArrayList<>();
        for (AgreementCell cell : state.getCells()) {
            double samples = cell.getSamples();
            boolean entropies = cell.getEntropySamples() > 0;
            metrics.add(AgreementMetric.newBuilder()
                    .setModel(state.getModel())
                    .setSource(state.getSource())
                    .setResolution(cell.getResolution())
                    .setSrMethod(cell.getSrMethod())
                    .setSamples(cell.getSamples())
                    .setAgreementTop1(cell.getAgreeTop1() / samples)
                    .setTop5Overlap(cell.getTop5OverlapSum() / samples)
                    .setMeanConfidence(cell.getConfidenceSum() / samples)
                    .setNativeMeanConfidence(cell.getNativeConfidenceSum() / samples)
                    .setMeanEntropy(entropies ? cell.getEntropySum() / cell.getEntropySamples() : null)
                    .setNativeMeanEntropy(entropies ? cell.getNativeEntropySum() / cell.getEntropySamples() : null)
                    .setWindowStart(windowStart)
                    .setWindowEnd(windowEnd)
                    .setUpdated(now)
                    .build());
        }
        return metrics;
    }

    /**
     * Across resolutions, per method: the mean over the resolutions of each cell's measure, each resolution counting
     * once however many frames it had (as LR0.FM averages over resolutions); the native figures over all pairs.
     * Cumulative when {@code windowStart} is null, else of the window [windowStart, windowEnd).
     */
    public static List<AgreementSummary> summaries(
            AgreementState state, Instant windowStart, Instant windowEnd, Instant now) {
        Map<String, List<AgreementCell>> byMethod = new TreeMap<>();
        state.getCells()
                .forEach(cell -> byMethod.computeIfAbsent(cell.getSrMethod(), m -> new ArrayList<>())
                        .add(cell));
        List<AgreementSummary> summaries = new ArrayList<>();
        byMethod.forEach((method, cells) -> {
            long samples = cells.stream().mapToLong(AgreementCell::getSamples).sum();
            List<AgreementCell> withEntropy =
                    cells.stream().filter(c -> c.getEntropySamples() > 0).toList();
            long entropySamples = withEntropy.stream()
                    .mapToLong(AgreementCell::getEntropySamples)
                    .sum();
            summaries.add(AgreementSummary.newBuilder()
                    .setModel(state.getModel())
                    .setSource(state.getSource())
                    .setSrMethod(method)
                    .setResolutions(cells.stream()
                            .map(AgreementCell::getResolution)
                            .sorted()
                            .toList())
                    .setSamples(samples)
                    .setMeanAgreementTop1(mean(cells, c -> (double) c.getAgreeTop1() / c.getSamples()))
                    .setMeanTop5Overlap(mean(cells, c -> c.getTop5OverlapSum() / c.getSamples()))
                    .setMeanConfidence(mean(cells, c -> c.getConfidenceSum() / c.getSamples()))
                    .setNativeMeanConfidence(cells.stream()
                                    .mapToDouble(AgreementCell::getNativeConfidenceSum)
                                    .sum()
                            / samples)
                    .setMeanEntropy(
                            withEntropy.isEmpty()
                                    ? null
                                    : mean(withEntropy, c -> c.getEntropySum() / c.getEntropySamples()))
                    .setNativeMeanEntropy(
                            withEntropy.isEmpty()
                                    ? null
                                    : withEntropy.stream()
                                                    .mapToDouble(AgreementCell::getNativeEntropySum)
                                                    .sum()
                                            / entropySamples)
                    .setWindowStart(windowStart)
                    .setWindowEnd(windowEnd)
                    .setUpdated(now)
                    .build());
        });
        return summaries;
    }

    private static double mean(List<AgreementCell> cells, ToDoubleFunction<AgreementCell> measure) {
        return cells.stream().mapToDouble(measure).average().orElse(0);
    }

    private static Set<String> labels(List<LabelScore> top) {
        Set<String> labels = new HashSet<>();
        top.forEach(score -> labels.add(score.getLabel()));
        return labels;
    }

    /** The top-1 (arg-max) softmax score of a prediction. */
    static double topScore(Prediction prediction) {
        return prediction.getTopK().stream()
                .filter(score -> Objects.equals(score.getLabel(), prediction.getPredicted()))
                .mapToDouble(LabelScore::getScore)
                .findFirst()
                .orElse(0);
    }
}
