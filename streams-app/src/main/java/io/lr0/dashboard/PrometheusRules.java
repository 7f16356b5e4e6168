package io.lr0.dashboard;

import io.lr0.metrics.AlertRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * lr0's alert rules as a Prometheus rules file: the same rule on the gauges of the latest closed window
 * ({@link RobustnessGauges}). Below the threshold with enough samples for {@code windows - 1} more windows (the first
 * closed window below starts the count, as in lr0), it fires; while it fires, a value below the resolve level keeps it
 * firing (hysteresis, through Prometheus' own {@code ALERTS} series), so it resolves once a closed window is back at or
 * above that level.
 */
public final class PrometheusRules {
    /** The rule group every generated rule is in. */
    public static final String GROUP = "lr0-robustness";

    private PrometheusRules() {}

    /** The alert's name in Prometheus: {@code lr0_} and the rule's name, a valid metric name. */
    public static String alertName(AlertRule rule) {
        return "lr0_" + rule.name().replaceAll("[^a-zA-Z0-9_]", "_");
    }

    /** The rules file (YAML, {@code groups:} at the top) for {@code rules} on windows of {@code window}. */
    public static String yaml(List<AlertRule> rules, Duration window) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("groups:\n");
        yaml.append("  # lr0's alert rules for Prometheus, written by `./lr0 prometheus-rules` from alert.rules\n");
        yaml.append("  # (metrics window ")
                .append(duration(window))
                .append("): docs/operations.md, \"Alert rules for ");
        yaml.append("Prometheus and Alertmanager\".\n");
        yaml.append("  - name: ").append(GROUP).append('\n');
        if (rules.isEmpty()) {
            yaml.append("    rules: []\n");
            return yaml.toString();
        }
        yaml.append("    rules:\n");
        for (AlertRule rule : rules) {
            String alert = alertName(rule);
            String on = "on(" + String.join(", ", RobustnessGauges.labelsOf(rule.measure())) + ")";
            String selector = selector(rule);
            String value = RobustnessGauges.gaugeOf(rule.measure(), true) + selector;
            String samples = RobustnessGauges.samplesGaugeOf(rule.measure(), true) + selector;
            yaml.append("      - alert: ").append(alert).append('\n');
            yaml.append("        expr: |\n");
            yaml.append("          (").append(value).append(" < ").append(number(rule.below()));
            yaml.append(" and ")
                    .append(on)
                    .append(' ')
                    .append(samples)
                    .append(" >= ")
                    .append(rule.minSamples());
            yaml.append(")\n");
            yaml.append("          or ").append(on).append('\n');
            yaml.append("          (").append(value).append(" < ").append(number(rule.resolveAt()));
            yaml.append(" and ").append(on).append(" ALERTS{alertname=\"").append(alert);
            yaml.append("\", alertstate=\"firing\"})\n");
            if (rule.windows() > 1) {
                yaml.append("        for: ")
                        .append(duration(window.multipliedBy(rule.windows() - 1)))
                        .append('\n');
            }
            yaml.append("        labels:\n");
            yaml.append("          severity: warning\n");
            yaml.append("          lr0_rule: ").append(quoted(rule.name())).append('\n');
            yaml.append("          measure: ").append(rule.measure().id()).append('\n');
            yaml.append("        annotations:\n");
            yaml.append("          summary: ").append(quoted(summary(rule))).append('\n');
            yaml.append("          description: ")
                    .append(quoted("lr0 rule " + rule.name() + ": {{ $value }} in the latest closed window; it "
                            + "resolves at " + number(rule.resolveAt()) + " or above."))
                    .append('\n');
        }
        return yaml.toString();
    }

    /** What fires, on which subject: the labels that tell the measure's subjects apart. */
    static String summary(AlertRule rule) {
        String subject = switch (rule.measure()) {
            case ESTIMATED_TOP1 -> "{{ $labels.source }} {{ $labels.group }} ({{ $labels.dataset }})";
            case MEASURED_TOP1, GAMMA -> "{{ $labels.dataset }}";
            case AGREEMENT_TOP1 -> "{{ $labels.source }}";
        };
        return rule.measure().id() + " of {{ $labels.model }} on " + subject + " at {{ $labels.resolution }} ("
                + "{{ $labels.method }}) below " + number(rule.below()) + " for " + rule.windows() + " windows";
    }

    /** The rule's filters as a PromQL label matcher, empty when it has none. */
    private static String selector(AlertRule rule) {
        List<String> matchers = new ArrayList<>();
        matcher(matchers, "model", rule.model());
        matcher(matchers, "dataset", rule.dataset());
        matcher(matchers, "source", rule.source());
        matcher(matchers, "resolution", rule.resolution());
        matcher(matchers, "method", rule.method());
        return matchers.isEmpty() ? "" : "{" + String.join(", ", matchers) + "}";
    }

    private static void matcher(List<String> matchers, String label, String value) {
        if (value != null) {
            matchers.add(label + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
    }

    /** A YAML single-quoted string. */
    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%s", value);
    }

    /** A Prometheus duration: whole seconds where it is, else milliseconds. */
    private static String duration(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
