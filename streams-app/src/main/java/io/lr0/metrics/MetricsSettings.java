package io.lr0.metrics;

import io.lr0.runtime.stage.StateStores;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The metrics stage's settings.
 *
 * @param metricsTopic the cumulative metrics (compacted)
 * @param windowedTopic the per-window metrics
 * @param summaryTopic SAR and WAR (compacted)
 * @param agreementTopic label-free agreement with native resolution, per source (compacted)
 * @param agreementWindowedTopic the same per tumbling window
 * @param agreementSummaryTopic agreement across resolutions, per source and method (compacted)
 * @param calibrationTopic the calibrations of estimated accuracy, per model, label space, resolution, method
 * @param estimatedTopic accuracy estimated without labels, per source (compacted)
 * @param estimatedWindowedTopic the same per tumbling window
 * @param alertsTopic alerts firing and resolved (compacted)
 * @param alertRules the alert rules
 * @param calibrationSources the sources (or {@code source#group}) whose labelled predictions calibrate; empty: all
 * @param calibrationMinSamples labelled predictions a (resolution, method) needs before it is calibrated
 * @param window size of the tumbling windows (event time)
 * @param windowGrace how long after a window's end its predictions still count in it
 * @param alpha alpha of LR0.FM's improved relative robustness Gamma
 * @param warWeightOverrides WAR weights configured per dataset
 * @param warDefaultWeight WAR weight of a dataset neither LR0.FM's table nor the overrides name
 * @param stores where the stage's own stores keep their data ({@code state.stores}; the DSL's follow Kafka Streams'
 *     configuration, set from the same key)
 */
public record MetricsSettings(
        String metricsTopic,
        String windowedTopic,
        String summaryTopic,
        String agreementTopic,
        String agreementWindowedTopic,
        String agreementSummaryTopic,
        String calibrationTopic,
        String estimatedTopic,
        String estimatedWindowedTopic,
        String alertsTopic,
        List<AlertRule> alertRules,
        List<String> calibrationSources,
        long calibrationMinSamples,
        Duration window,
        Duration windowGrace,
        double alpha,
        Map<String, Double> warWeightOverrides,
        double warDefaultWeight,
        StateStores stores) {
    public MetricsSettings {
        warWeightOverrides = Map.copyOf(warWeightOverrides);
        calibrationSources = List.copyOf(calibrationSources);
        alertRules = List.copyOf(alertRules);
    }

    /**
     * Whether a labelled prediction calibrates: its source, or its source and group ({@code source#group}), is
     * listed, or nothing is.
     */
    public boolean calibrates(String source, String group) {
        return calibrationSources.isEmpty()
                || calibrationSources.contains(source)
                || (group != null && calibrationSources.contains(source + "#" + group));
    }

    /** LR0.FM's WAR weights with the configured overrides and default. */
    public WarWeights warWeights() {
        return new WarWeights(warWeightOverrides, warDefaultWeight);
    }
}
