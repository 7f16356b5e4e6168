package io.lr0.metrics;

import java.time.Duration;
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
 * @param window size of the tumbling windows (event time)
 * @param windowGrace how long after a window's end its predictions still count in it
 * @param alpha alpha of LR0.FM's improved relative robustness Gamma
 * @param warWeightOverrides WAR weights configured per dataset
 * @param warDefaultWeight WAR weight of a dataset neither LR0.FM's table nor the overrides name
 */
public record MetricsSettings(
        String metricsTopic,
        String windowedTopic,
        String summaryTopic,
        String agreementTopic,
        String agreementWindowedTopic,
        String agreementSummaryTopic,
        Duration window,
        Duration windowGrace,
        double alpha,
        Map<String, Double> warWeightOverrides,
        double warDefaultWeight) {
    public MetricsSettings {
        warWeightOverrides = Map.copyOf(warWeightOverrides);
    }

    /** LR0.FM's WAR weights with the configured overrides and default. */
    public WarWeights warWeights() {
        return new WarWeights(warWeightOverrides, warDefaultWeight);
    }
}
