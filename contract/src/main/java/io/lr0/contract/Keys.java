package io.lr0.contract;

import io.lr0.schema.AlertSample;
import io.lr0.schema.RobustnessMetric;
import io.lr0.schema.RobustnessSummary;

/**
 * Every record key lr0 writes, each format built (and, where a reader needs it, parsed) here and nowhere else.
 *
 * <ul>
 *   <li>image-variants: {@code <imageId>@<short side>} or {@code <imageId>@native};
 *   <li>upscaled-variants and predictions: {@code <variant key>/<method>}, e.g. {@code img-7@16/liif};
 *   <li>robustness-metrics: {@code <model>/<dataset>/<short side or native>/<method>}, and on the windowed topic
 *       that key {@code @<window start, epoch ms>};
 *   <li>robustness-summary: {@code <model>/<short side or native>/<method>};
 *   <li>robustness-agreement: {@code <model>/<source>/<short side>/<method>}, and on the windowed topic that key
 *       {@code @<window start, epoch ms>};
 *   <li>robustness-agreement-summary: {@code <model>/<source>/<method>};
 *   <li>robustness-calibration: {@code <model>/<dataset>/<short side or native>/<method>};
 *   <li>robustness-alerts: {@code <rule>/<measure>/<model>/<dataset or source>[#<group>]/<short side or
 *       native>/<method>} (estimates: {@code <dataset>/<source>});
 *   <li>robustness-estimated: {@code <model>/<dataset>/<source>[#<group>]/<short side or native>/<method>}, and on
 *       the windowed topic that key {@code @<window start, epoch ms>}; its counts are grouped by that key;
 *   <li>the metrics' repartition by dataset: {@code <model>/<dataset>}; the agreement join's by image:
 *       {@code <model>/<imageId>}, and its grouping by source: {@code <model>/<source>}.
 * </ul>
 */
public final class Keys {
    /** The resolution name of the native (high-resolution reference) variant. */
    public static final String NATIVE = "native";

    private Keys() {}

    /** The key of one variant; {@code resolution} null means the native reference. */
    public static String variant(String imageId, Integer resolution) {
        return imageId + '@' + resolutionName(resolution);
    }

    /** The image id a variant key (or a key built on one) starts with. */
    public static String imageIdOf(String key) {
        int at = key.lastIndexOf('@');
        return at < 0 ? key : key.substring(0, at);
    }

    /** Key of a variant after a super-resolution method: {@code <variant key>/<method>}. */
    public static String withMethod(String variantKey, String method) {
        return variantKey + '/' + method;
    }

    /** Key of the metrics' grouping: one aggregate per model and dataset. */
    public static String modelDataset(String model, String dataset) {
        return model + '/' + dataset;
    }

    /** Key of a cumulative metric. */
    public static String metric(RobustnessMetric metric) {
        return metric(metric.getModel(), metric.getDataset(), metric.getResolution(), metric.getSrMethod());
    }

    /** Key of the cumulative metric of one (model, dataset, resolution, method) cell. */
    public static String metric(String model, String dataset, Integer resolution, String method) {
        return modelDataset(model, dataset) + '/' + resolutionName(resolution) + '/' + method;
    }

    /** Key of a metric of the window starting at {@code windowStartMs}. */
    public static String windowedMetric(String metricKey, long windowStartMs) {
        return metricKey + '@' + windowStartMs;
    }

    /** Key of a SAR/WAR summary. */
    public static String summary(RobustnessSummary summary) {
        return summary(summary.getModel(), summary.getResolution(), summary.getSrMethod());
    }

    /** Key of the SAR/WAR summary of one (model, resolution, method). */
    public static String summary(String model, Integer resolution, String method) {
        return model + '/' + resolutionName(resolution) + '/' + method;
    }

    /** Key of the agreement join: a model's predictions of one image meet under it. */
    public static String modelImage(String model, String imageId) {
        return model + '/' + imageId;
    }

    /** Key of the agreement grouping: one aggregate per model and source. */
    public static String modelSource(String model, String source) {
        return model + '/' + source;
    }

    /** Key of the label-free agreement of one (model, source, resolution, method) cell. */
    public static String agreement(String model, String source, int resolution, String method) {
        return modelSource(model, source) + '/' + resolution + '/' + method;
    }

    /** Key of the label-free agreement of one model on one source with one method, across resolutions. */
    public static String agreementSummary(String model, String source, String method) {
        return modelSource(model, source) + '/' + method;
    }

    /** Key of the calibration of one (model, label space, resolution, method): the metric's key. */
    public static String calibration(String model, String dataset, Integer resolution, String method) {
        return metric(model, dataset, resolution, method);
    }

    /**
     * Key of the estimated accuracy of one model on one source (and group: CounterAnimal's common and counter
     * groups are estimated apart) at one resolution and method; its counts are grouped under it too.
     */
    public static String estimate(
            String model, String dataset, String source, String group, Integer resolution, String method) {
        return modelDataset(model, dataset)
                + '/'
                + source
                + (group == null ? "" : "#" + group)
                + '/'
                + resolutionName(resolution)
                + '/'
                + method;
    }

    /**
     * Key of one alert rule on one subject: what the sample measures, of which model, dataset or source (and group),
     * resolution and method.
     */
    public static String alert(String rule, AlertSample sample) {
        String of = sample.getSource() == null
                ? sample.getDataset()
                : (sample.getDataset() == null ? "" : sample.getDataset() + '/') + sample.getSource();
        return rule
                + '/'
                + sample.getMeasure()
                + '/'
                + sample.getModel()
                + '/'
                + of
                + (sample.getGroup() == null ? "" : "#" + sample.getGroup())
                + '/'
                + resolutionName(sample.getResolution())
                + '/'
                + sample.getSrMethod();
    }

    /** The rule an alert key names. */
    public static String ruleOf(String alertKey) {
        return alertKey.substring(0, alertKey.indexOf('/'));
    }

    /** A resolution as keys and tables show it: the short side, or {@code native}. */
    public static String resolutionName(Integer resolution) {
        return resolution == null ? NATIVE : resolution.toString();
    }
}
