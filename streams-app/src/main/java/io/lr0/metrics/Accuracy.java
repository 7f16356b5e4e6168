package io.lr0.metrics;

import io.lr0.contract.SrMethods;
import io.lr0.schema.AccuracyCell;
import io.lr0.schema.AccuracyState;
import io.lr0.schema.GroupClassCount;
import io.lr0.schema.LabelScore;
import io.lr0.schema.ModelState;
import io.lr0.schema.Prediction;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.apache.avro.Schema;

/**
 * Counting predictions and turning counts into LR0.FM and CounterAnimal figures. Pure functions over the Avro state
 * records, so the cumulative, windowed and summary aggregations (and their tests) share one implementation.
 */
public final class Accuracy {
    public static final String COMMON = "common";
    public static final String COUNTER = "counter";
    private static final int TOP5 = 5;

    private Accuracy() {}

    public static AccuracyState empty() {
        return AccuracyState.newBuilder()
                .setModel("")
                .setDataset("")
                .setCells(new ArrayList<>())
                .build();
    }

    /**
     * The prediction without its thumbnail, all the counts need: the metrics repartition carries this, not the
     * image (a 64 px RGB thumbnail is 12 KB). A shallow copy; {@code prediction} is left as it is.
     */
    public static Prediction withoutThumbnail(Prediction prediction) {
        if (prediction == null || prediction.getThumbnail() == null) {
            return prediction;
        }
        Prediction slim = new Prediction();
        for (Schema.Field field : Prediction.getClassSchema().getFields()) {
            slim.put(field.pos(), prediction.get(field.pos()));
        }
        slim.setThumbnail(null);
        return slim;
    }

    /** Counts one prediction into {@code state} (which it updates and returns). */
    public static AccuracyState add(AccuracyState state, Prediction prediction) {
        state.setModel(prediction.getModel());
        state.setDataset(prediction.getDataset());
        AccuracyCell cell = cell(state, prediction.getResolution(), prediction.getSrMethod());
        Boolean correct = prediction.getCorrect();
        if (correct == null) {
            // No ground truth, or one outside the label space: counted, never scored.
            cell.setUnlabelled(cell.getUnlabelled() + 1);
            return state;
        }
        cell.setTotal(cell.getTotal() + 1);
        if (correct) {
            cell.setCorrectTop1(cell.getCorrectTop1() + 1);
        }
        if (inTop5(prediction)) {
            cell.setCorrectTop5(cell.getCorrectTop5() + 1);
        }
        if (prediction.getGroup() != null) {
            countGroup(cell.getGroupCounts(), prediction.getGroup(), prediction.getLabel(), correct);
        }
        return state;
    }

    private static boolean inTop5(Prediction prediction) {
        List<LabelScore> top = prediction.getTopK();
        for (int i = 0; i < Math.min(TOP5, top.size()); i++) {
            if (top.get(i).getLabel().equals(prediction.getLabel())) {
                return true;
            }
        }
        return false;
    }

    private static AccuracyCell cell(AccuracyState state, Integer resolution, String srMethod) {
        for (AccuracyCell cell : state.getCells()) {
            if (Objects.equals(cell.getResolution(), resolution)
                    && cell.getSrMethod().equals(srMethod)) {
                return cell;
            }
        }
        AccuracyCell cell = AccuracyCell.newBuilder()
                .setResolution(resolution)
                .setSrMethod(srMethod)
                .setGroupCounts(new ArrayList<>())
                .build();
        state.getCells().add(cell);
        return cell;
    }

    /** Counts one labelled prediction of {@code label} in {@code group} into {@code counts}. */
    public static void countGroup(List<GroupClassCount> counts, String group, String label, boolean correct) {
        GroupClassCount count = null;
        for (GroupClassCount existing : counts) {
            if (existing.getGroup().equals(group) && existing.getLabel().equals(label)) {
                count = existing;
            }
        }
        if (count == null) {
            count = GroupClassCount.newBuilder().setGroup(group).setLabel(label).build();
            counts.add(count);
        }
        count.setTotal(count.getTotal() + 1);
        count.setCorrect(count.getCorrect() + (correct ? 1 : 0));
    }

    /**
     * A_HR: top-1 of the native cell, or null when there is none yet. The native variant is classified once, as
     * bicubic; another native cell (a user's own method) is the fallback.
     */
    static Double nativeAccuracy(AccuracyState state) {
        Double any = null;
        for (AccuracyCell cell : state.getCells()) {
            if (cell.getResolution() == null && cell.getTotal() > 0) {
                double accuracy = (double) cell.getCorrectTop1() / cell.getTotal();
                if (cell.getSrMethod().equals(SrMethods.BICUBIC)) {
                    return accuracy;
                }
                any = any == null ? accuracy : any;
            }
        }
        return any;
    }

    /**
     * One metric record per cell. {@code classes} is C (0 when the label space is unknown: Gamma is then unset);
     * window bounds are null for cumulative metrics.
     */
    public static List<RobustnessMetric> metrics(
            AccuracyState state, int classes, double alpha, Instant windowStart, Instant windowEnd, Instant now) {
        Double nativeAccuracy = nativeAccuracy(state);
        List<RobustnessMetric> metrics = new ArrayList<>();
        for (AccuracyCell cell : state.getCells()) {
            Double accuracy = cell.getTotal() == 0 ? null : (double) cell.getCorrectTop1() / cell.getTotal();
            Double top5 = cell.getTotal() == 0 ? null : (double) cell.getCorrectTop5() / cell.getTotal();
            metrics.add(RobustnessMetric.newBuilder()
                    .setModel(state.getModel())
                    .setDataset(state.getDataset())
                    .setResolution(cell.getResolution())
                    .setSrMethod(cell.getSrMethod())
                    .setClasses(classes)
                    .setTotal(cell.getTotal())
                    .setCorrectTop1(cell.getCorrectTop1())
                    .setCorrectTop5(cell.getCorrectTop5())
                    .setUnlabelled(cell.getUnlabelled())
                    .setAccuracyTop1(accuracy)
                    .setAccuracyTop5(top5)
                    .setNativeAccuracyTop1(nativeAccuracy)
                    .setGamma(accuracy == null ? null : Robustness.relative(accuracy, nativeAccuracy))
                    .setDistanceFromChance(
                            nativeAccuracy == null || classes <= 0
                                    ? null
                                    : Robustness.distanceFromChance(nativeAccuracy, classes))
                    .setImprovedGamma(
                            accuracy == null ? null : Robustness.improved(accuracy, nativeAccuracy, classes, alpha))
                    .setGroupCounts(new ArrayList<>(cell.getGroupCounts()))
                    .setGroupAccuracy(groupAccuracy(cell.getGroupCounts()))
                    .setCounterDrop(counterDrop(cell.getGroupCounts()))
                    .setWindowStart(windowStart)
                    .setWindowEnd(windowEnd)
                    .setUpdated(now)
                    .build());
        }
        return metrics;
    }

    /** Class-balanced accuracy per group: the mean over classes of each class's accuracy in the group. */
    public static Map<String, Double> groupAccuracy(List<GroupClassCount> counts) {
        Map<String, List<Double>> perClass = new TreeMap<>();
        for (GroupClassCount count : counts) {
            if (count.getTotal() > 0) {
                perClass.computeIfAbsent(count.getGroup(), g -> new ArrayList<>())
                        .add((double) count.getCorrect() / count.getTotal());
            }
        }
        Map<String, Double> balanced = new LinkedHashMap<>();
        perClass.forEach((group, accuracies) -> balanced.put(
                group,
                accuracies.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
        return balanced;
    }

    /** CounterAnimal's drop over the classes seen in both groups; null when no class is. */
    public static Double counterDrop(List<GroupClassCount> counts) {
        Map<String, Double> common = new HashMap<>();
        Map<String, Double> counter = new HashMap<>();
        for (GroupClassCount count : counts) {
            if (count.getTotal() > 0) {
                double accuracy = (double) count.getCorrect() / count.getTotal();
                if (count.getGroup().equals(COMMON)) {
                    common.put(count.getLabel(), accuracy);
                } else if (count.getGroup().equals(COUNTER)) {
                    counter.put(count.getLabel(), accuracy);
                }
            }
        }
        double sum = 0;
        int classes = 0;
        for (Map.Entry<String, Double> entry : common.entrySet()) {
            Double counterAccuracy = counter.get(entry.getKey());
            if (counterAccuracy != null) {
                sum += entry.getValue() - counterAccuracy;
                classes++;
            }
        }
        return classes == 0 ? null : sum / classes;
    }

    /** Puts (or replaces) a dataset's state in a model's state: the adder of the per-model aggregation. */
    public static ModelState withDataset(ModelState model, AccuracyState dataset) {
        ModelState updated = without(model, dataset);
        updated.setModel(dataset.getModel());
        updated.getDatasets().add(dataset);
        return updated;
    }

    /** Removes a dataset's state from a model's state: the subtractor of the per-model aggregation. */
    public static ModelState without(ModelState model, AccuracyState dataset) {
        List<AccuracyState> kept = new ArrayList<>();
        for (AccuracyState state : model.getDatasets()) {
            if (!state.getDataset().equals(dataset.getDataset())) {
                kept.add(state);
            }
        }
        model.setDatasets(kept);
        return model;
    }

    /** The weight of each dataset of the aggregate, in its order. */
    private static Map<String, Double> warWeights(Robustness.Aggregate aggregate) {
        Map<String, Double> weights = new LinkedHashMap<>();
        aggregate.weights().forEach((dataset, weight) -> weights.put(dataset, weight.value()));
        return weights;
    }

    /** SAR and WAR per (resolution, method) across the model's datasets. */
    public static List<RobustnessSummary> summaries(
            ModelState model, ToIntFunction<String> classesOf, WarWeights weights, double alpha, Instant now) {
        Map<String, List<Robustness.DatasetResult>> byCell = new TreeMap<>();
        Map<String, AccuracyCell> cells = new HashMap<>();
        Map<String, Long> totals = new HashMap<>();
        for (AccuracyState dataset : model.getDatasets()) {
            Double nativeAccuracy = nativeAccuracy(dataset);
            int classes = classesOf.applyAsInt(dataset.getDataset());
            for (AccuracyCell cell : dataset.getCells()) {
                String key = cell.getResolution() + "/" + cell.getSrMethod();
                cells.putIfAbsent(key, cell);
                totals.merge(key, cell.getTotal(), Long::sum);
                List<Robustness.DatasetResult> results = byCell.computeIfAbsent(key, k -> new ArrayList<>());
                if (nativeAccuracy != null && classes > 0 && cell.getTotal() > 0) {
                    results.add(new Robustness.DatasetResult(
                            dataset.getDataset(),
                            classes,
                            nativeAccuracy,
                            (double) cell.getCorrectTop1() / cell.getTotal()));
                }
            }
        }
        List<RobustnessSummary> summaries = new ArrayList<>();
        byCell.forEach((key, results) -> {
            Robustness.Aggregate aggregate = Robustness.aggregate(results, weights, alpha);
            AccuracyCell cell = cells.get(key);
            summaries.add(RobustnessSummary.newBuilder()
                    .setModel(model.getModel())
                    .setResolution(cell.getResolution())
                    .setSrMethod(cell.getSrMethod())
                    .setSar(aggregate.sar())
                    .setWar(aggregate.war())
                    .setAlpha(alpha)
                    .setDatasets(aggregate.datasets())
                    .setWarWeights(warWeights(aggregate))
                    .setTotal(totals.get(key))
                    .setUpdated(now)
                    .build());
        });
        return summaries;
    }
}
