package io.lr0.metrics;

import io.lr0.contract.Keys;
import io.lr0.metrics.AlertRule.Measure;
import io.lr0.schema.AgreementMetric;
import io.lr0.schema.Alert;
import io.lr0.schema.AlertSample;
import io.lr0.schema.AlertState;
import io.lr0.schema.EstimatedAccuracy;
import io.lr0.schema.RobustnessMetric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;

/**
 * Alerts from the per-window measures: each window's value of each subject, as a rule sees it ({@link AlertSample}),
 * and the decision of a rule on one subject. A window counts once it is closed, that is once the subject's next window
 * has begun, so a rule decides on whole windows and never on the first predictions of one; a value between the
 * threshold and the resolve level changes nothing (hysteresis). Pure functions over the Avro records.
 */
public final class Alerts {
    private Alerts() {}

    /** The windowed accuracy metric's samples: measured top-1 and gamma, where it has them. */
    public static List<AlertSample> samples(RobustnessMetric metric) {
        List<AlertSample> samples = new ArrayList<>();
        if (metric.getWindowStart() == null) {
            return samples;
        }
        AlertSample.Builder base = AlertSample.newBuilder()
                .setModel(metric.getModel())
                .setDataset(metric.getDataset())
                .setResolution(metric.getResolution())
                .setSrMethod(metric.getSrMethod())
                .setWindowStart(metric.getWindowStart())
                .setWindowEnd(metric.getWindowEnd())
                .setSamples(metric.getTotal());
        if (metric.getAccuracyTop1() != null) {
            samples.add(AlertSample.newBuilder(base)
                    .setMeasure(Measure.MEASURED_TOP1.id())
                    .setValue(metric.getAccuracyTop1())
                    .build());
        }
        if (metric.getGamma() != null) {
            samples.add(AlertSample.newBuilder(base)
                    .setMeasure(Measure.GAMMA.id())
                    .setValue(metric.getGamma())
                    .build());
        }
        return samples;
    }

    /** The windowed agreement's sample. */
    public static List<AlertSample> samples(AgreementMetric agreement) {
        if (agreement.getWindowStart() == null) {
            return List.of();
        }
        return List.of(AlertSample.newBuilder()
                .setMeasure(Measure.AGREEMENT_TOP1.id())
                .setModel(agreement.getModel())
                .setSource(agreement.getSource())
                .setResolution(agreement.getResolution())
                .setSrMethod(agreement.getSrMethod())
                .setWindowStart(agreement.getWindowStart())
                .setWindowEnd(agreement.getWindowEnd())
                .setValue(agreement.getAgreementTop1())
                .setSamples(agreement.getSamples())
                .build());
    }

    /** The windowed estimate's sample. */
    public static List<AlertSample> samples(EstimatedAccuracy estimate) {
        if (estimate.getWindowStart() == null) {
            return List.of();
        }
        return List.of(AlertSample.newBuilder()
                .setMeasure(Measure.ESTIMATED_TOP1.id())
                .setModel(estimate.getModel())
                .setDataset(estimate.getDataset())
                .setSource(estimate.getSource())
                .setGroup(estimate.getGroup())
                .setResolution(estimate.getResolution())
                .setSrMethod(estimate.getSrMethod())
                .setWindowStart(estimate.getWindowStart())
                .setWindowEnd(estimate.getWindowEnd())
                .setValue(estimate.getEstimatedTop1())
                .setSamples(estimate.getSamples())
                .build());
    }

    /** Each sample under every rule it is a subject of, keyed by rule and subject. */
    public static List<KeyValue<String, AlertSample>> byRule(List<AlertSample> samples, List<AlertRule> rules) {
        List<KeyValue<String, AlertSample>> keyed = new ArrayList<>();
        for (AlertSample sample : samples) {
            for (AlertRule rule : rules) {
                if (rule.matches(sample)) {
                    keyed.add(KeyValue.pair(Keys.alert(rule.name(), sample), sample));
                }
            }
        }
        return keyed;
    }

    public static AlertState empty() {
        return AlertState.newBuilder().setWindows(new ArrayList<>()).build();
    }

    /**
     * Counts {@code sample} (the latest value of its window) into {@code state} and decides: the alert that fires or
     * resolves with it, if any. {@code state} keeps the rule's windows plus the open one.
     */
    public static Optional<Alert> update(AlertRule rule, AlertState state, AlertSample sample, Instant now) {
        // A copy: the stored state's array (Avro's) cannot remove elements.
        List<AlertSample> windows = new ArrayList<>(state.getWindows());
        state.setWindows(windows);
        windows.removeIf(window -> window.getWindowStart().equals(sample.getWindowStart()));
        windows.add(sample);
        windows.sort(Comparator.comparing(AlertSample::getWindowStart));
        while (windows.size() > rule.windows() + 1) {
            windows.remove(0);
        }
        // The newest window is still open: it decides nothing until the next one begins.
        List<AlertSample> closed = windows.subList(0, windows.size() - 1);
        if (!state.getFiring()) {
            if (closed.size() < rule.windows()) {
                return Optional.empty();
            }
            List<AlertSample> run = closed.subList(closed.size() - rule.windows(), closed.size());
            boolean allBelow = run.stream()
                    .allMatch(window -> window.getSamples() >= rule.minSamples() && window.getValue() < rule.below());
            if (!allBelow) {
                return Optional.empty();
            }
            state.setFiring(true);
            state.setSince(run.get(0).getWindowStart());
            return Optional.of(alert(rule, "firing", run.get(run.size() - 1), state.getSince(), now));
        }
        if (closed.isEmpty()) {
            return Optional.empty();
        }
        AlertSample latest = closed.get(closed.size() - 1);
        if (latest.getSamples() < rule.minSamples() || latest.getValue() < rule.resolveAt()) {
            return Optional.empty();
        }
        Instant since = state.getSince();
        state.setFiring(false);
        state.setSince(null);
        return Optional.of(alert(rule, "resolved", latest, since, now));
    }

    /** The rules by name, as the evaluator looks them up from a key. */
    static Map<String, AlertRule> byName(List<AlertRule> rules) {
        return rules.stream().collect(Collectors.toMap(AlertRule::name, rule -> rule));
    }

    private static Alert alert(AlertRule rule, String status, AlertSample decided, Instant since, Instant now) {
        return Alert.newBuilder()
                .setRule(rule.name())
                .setStatus(status)
                .setMeasure(decided.getMeasure())
                .setModel(decided.getModel())
                .setDataset(decided.getDataset())
                .setSource(decided.getSource())
                .setGroup(decided.getGroup())
                .setResolution(decided.getResolution())
                .setSrMethod(decided.getSrMethod())
                .setValue(decided.getValue())
                .setThreshold(rule.below())
                .setResolveAt(rule.resolveAt())
                .setWindows(rule.windows())
                .setWindowStart(decided.getWindowStart())
                .setWindowEnd(decided.getWindowEnd())
                .setSince(since)
                .setUpdated(now)
                .build();
    }
}
