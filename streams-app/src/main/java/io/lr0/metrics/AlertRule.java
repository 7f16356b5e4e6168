package io.lr0.metrics;

import io.lr0.contract.Keys;
import io.lr0.schema.AlertSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;

/**
 * One alert rule of the typed configuration: a measure per tumbling window that fires below {@code below} for
 * {@code windows} closed windows in a row, and resolves when a closed window is back at or above {@code resolveAt}
 * (hysteresis), on the subjects its filters let through (null: any).
 *
 * @param name the rule's name, listed in {@code alert.rules}
 * @param measure what is watched
 * @param below it fires below this
 * @param resolveAt it resolves at or above this (at least {@code below})
 * @param windows closed windows in a row below {@code below} that make it fire
 * @param minSamples predictions a window needs to count (a thinner one breaks a run)
 * @param model only this model, or null
 * @param dataset only this label space, or null
 * @param source only this source, or null
 * @param resolution only this short side ({@link Keys#NATIVE} for native), or null
 * @param method only this super-resolution method, or null
 */
public record AlertRule(
        String name,
        Measure measure,
        double below,
        double resolveAt,
        int windows,
        long minSamples,
        String model,
        String dataset,
        String source,
        String resolution,
        String method) {
    /** Prefix of a rule's settings: {@code alert.rule.<name>.<setting>}. */
    public static final String PREFIX = "alert.rule.";

    private static final Set<String> SETTINGS = Set.of(
            "measure",
            "below",
            "resolve.at",
            "windows",
            "min.samples",
            "model",
            "dataset",
            "source",
            "resolution",
            "method");
    private static final double DEFAULT_HYSTERESIS = 0.05;
    private static final int DEFAULT_WINDOWS = 3;
    private static final long DEFAULT_MIN_SAMPLES = 20;

    /** What a rule watches, each a share in [0, 1] per window. */
    public enum Measure {
        ESTIMATED_TOP1("estimated-top1"),
        MEASURED_TOP1("measured-top1"),
        GAMMA("gamma"),
        AGREEMENT_TOP1("agreement-top1");

        private final String id;

        Measure(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Measure of(String key, String id) {
            return Arrays.stream(values())
                    .filter(measure -> measure.id.equals(id))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(
                            key,
                            id,
                            "expected one of "
                                    + Arrays.stream(values()).map(Measure::id).toList()));
        }
    }

    /** Whether {@code sample} is a subject of this rule. */
    public boolean matches(AlertSample sample) {
        return sample.getMeasure().equals(measure.id())
                && (model == null || model.equals(sample.getModel()))
                && (dataset == null || dataset.equals(sample.getDataset()))
                && (source == null || source.equals(sample.getSource()))
                && (resolution == null || resolution.equals(Keys.resolutionName(sample.getResolution())))
                && (method == null || method.equals(sample.getSrMethod()));
    }

    /**
     * The rules {@code names} lists, from their settings ({@code alert.rule.<name>.<setting>} without the prefix);
     * a rule or setting that is missing, unknown or out of range is refused with its key and the reason.
     */
    public static List<AlertRule> parse(List<String> names, Map<String, String> settings) {
        Set<String> listed = new HashSet<>(names);
        for (String key : settings.keySet()) {
            int dot = key.indexOf('.');
            String rule = dot < 0 ? key : key.substring(0, dot);
            String setting = dot < 0 ? "" : key.substring(dot + 1);
            if (!listed.contains(rule)) {
                throw new ConfigException(PREFIX + key, settings.get(key), "rule '" + rule + "' is not in alert.rules");
            }
            if (!SETTINGS.contains(setting)) {
                throw new ConfigException(
                        PREFIX + key, settings.get(key), "unknown rule setting; expected one of " + SETTINGS);
            }
        }
        List<AlertRule> rules = new ArrayList<>();
        for (String name : names) {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new ConfigException("alert.rules", names, "rule name '" + name + "': letters, digits, - and _");
            }
            Function<String, String> value = setting -> settings.get(name + "." + setting);
            String measureKey = PREFIX + name + ".measure";
            String measure = value.apply("measure");
            if (measure == null) {
                throw new ConfigException(measureKey, null, "rule '" + name + "' needs a measure");
            }
            double below = share(PREFIX + name + ".below", value.apply("below"), null);
            double resolveAt = share(
                    PREFIX + name + ".resolve.at", value.apply("resolve.at"), Math.min(1, below + DEFAULT_HYSTERESIS));
            if (resolveAt < below) {
                throw new ConfigException(
                        PREFIX + name + ".resolve.at", resolveAt, "must be at least below=" + below + " (hysteresis)");
            }
            rules.add(new AlertRule(
                    name,
                    Measure.of(measureKey, measure),
                    below,
                    resolveAt,
                    (int) positive(PREFIX + name + ".windows", value.apply("windows"), DEFAULT_WINDOWS),
                    positive(PREFIX + name + ".min.samples", value.apply("min.samples"), DEFAULT_MIN_SAMPLES),
                    value.apply("model"),
                    value.apply("dataset"),
                    value.apply("source"),
                    resolution(PREFIX + name + ".resolution", value.apply("resolution")),
                    value.apply("method")));
        }
        return rules;
    }

    private static double share(String key, String text, Double fallback) {
        if (text == null) {
            if (fallback == null) {
                throw new ConfigException(key, null, "required: the threshold, a share in [0, 1]");
            }
            return fallback;
        }
        try {
            double share = Double.parseDouble(text);
            if (share >= 0 && share <= 1) {
                return share;
            }
        } catch (NumberFormatException e) {
            // Refused below, with the key.
        }
        throw new ConfigException(key, text, "expected a share in [0, 1]");
    }

    private static long positive(String key, String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(text);
            if (number >= 1 && number <= Integer.MAX_VALUE) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Refused below, with the key.
        }
        throw new ConfigException(key, text, "expected a whole number of 1 or more");
    }

    private static String resolution(String key, String text) {
        if (text == null || Keys.NATIVE.equals(text)) {
            return text;
        }
        try {
            if (Integer.parseInt(text) > 0) {
                return Integer.toString(Integer.parseInt(text));
            }
        } catch (NumberFormatException e) {
            // Refused below, with the key.
        }
        throw new ConfigException(key, text, "expected a short side in pixels or " + Keys.NATIVE);
    }
}
