package io.lr0.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.metrics.AlertRule;
import io.lr0.metrics.Alerts;
import io.lr0.schema.AlertSample;
import io.lr0.schema.AlertState;
import io.lr0.testing.RequiredTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus rules lr0 writes decide as lr0 does: the same windows through lr0's own {@link Alerts} and, as the
 * window gauges, through Prometheus' rule engine ({@code promtool test rules}, Debian's prometheus package) fire and
 * resolve at the same windows, hysteresis and thin windows included. And the stack's rules file is the one lr0 writes
 * from the stack's settings, valid for promtool.
 */
class PrometheusRulesIT {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final Map<String, String> SETTINGS = Map.of(
            "quality.measure", "measured-top1",
            "quality.below", "0.5",
            "quality.resolve.at", "0.6",
            "quality.windows", "3",
            "quality.min.samples", "20",
            "quality.resolution", "native");

    @Test
    void prometheusFiresAndResolvesAtTheWindowsLr0Does(@TempDir Path dir) throws Exception {
        RequiredTools.require("prometheus");
        AlertRule rule = AlertRule.parse(List.of("quality"), SETTINGS).get(0);
        // Closed windows: a run of three below (the second thin, so the run restarts), then values between the
        // threshold and the resolve level (still firing), then back above the resolve level.
        double[] values = {0.8, 0.4, 0.3, 0.45, 0.4, 0.35, 0.55, 0.58, 0.7, 0.4};
        long[] samples = {50, 50, 5, 50, 50, 50, 50, 50, 50, 50};

        List<Boolean> lr0 = lr0Decisions(rule, values, samples);
        assertEquals(
                List.of(false, false, false, false, false, true, true, true, false, false),
                lr0,
                "lr0: fires when the third window of an unbroken run closes, holds between 0.5 and 0.6");

        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, PrometheusRules.yaml(List.of(rule), WINDOW));
        StringBuilder test = new StringBuilder();
        test.append("rule_files:\n  - ").append(rules).append('\n');
        test.append("evaluation_interval: 1m\n");
        test.append("tests:\n  - interval: 1m\n    input_series:\n");
        String labels = "{model=\"m\", dataset=\"fashion-mnist\", resolution=\"native\", method=\"bicubic\"}";
        test.append("      - series: 'lr0_measured_top1_window").append(labels).append("'\n");
        test.append("        values: '").append(join(values)).append("'\n");
        test.append("      - series: 'lr0_measured_samples_window")
                .append(labels)
                .append("'\n");
        test.append("        values: '").append(join(samples)).append("'\n");
        test.append("    alert_rule_test:\n");
        String alert = PrometheusRules.alertName(rule);
        for (int minute = 0; minute < values.length; minute++) {
            test.append("      - eval_time: ").append(minute).append("m\n");
            test.append("        alertname: ").append(alert).append('\n');
            if (!lr0.get(minute)) {
                test.append("        exp_alerts: []\n");
                continue;
            }
            test.append("        exp_alerts:\n          - exp_labels:\n");
            test.append("              model: m\n              dataset: fashion-mnist\n");
            test.append("              resolution: native\n              method: bicubic\n");
            test.append("              severity: warning\n              lr0_rule: quality\n");
            test.append("              measure: measured-top1\n");
            test.append("            exp_annotations:\n");
            test.append(
                            "              summary: 'measured-top1 of m on fashion-mnist at native (bicubic) below 0.5 for ")
                    .append("3 windows'\n");
            test.append("              description: 'lr0 rule quality: ")
                    .append(values[minute])
                    .append(" in the latest closed window; it resolves at 0.6 or above.'\n");
        }
        Path unitTest = dir.resolve("test.yml");
        Files.writeString(unitTest, test.toString());
        String output = promtool("test", "rules", unitTest.toString());
        assertTrue(output.contains("SUCCESS"), output);
    }

    @Test
    void theStacksRulesFileIsTheOneLr0WritesFromTheStacksSettings() throws Exception {
        RequiredTools.require("prometheus");
        Path properties = Path.of("..", "deploy", "lr0", "lr0.properties");
        Path rulesFile = Path.of("..", "deploy", "prometheus", "lr0-rules.yml");
        Lr0Config config = Lr0Config.load(properties, Map.of(), Map.of());
        String written = PrometheusRules.yaml(
                config.alertRules(), config.metricsSettings().window());
        assertEquals(
                written,
                Files.readString(rulesFile),
                "deploy/prometheus/lr0-rules.yml is stale: ./lr0 prometheus-rules --config deploy/lr0/lr0.properties "
                        + "--output deploy/prometheus/lr0-rules.yml");
        String output = promtool("check", "rules", rulesFile.toString());
        assertTrue(output.contains("SUCCESS: " + config.alertRules().size() + " rules found"), output);
    }

    /** Whether lr0's rule fires after each window closes (window i closes as window i + 1 opens). */
    private static List<Boolean> lr0Decisions(AlertRule rule, double[] values, long[] samples) {
        AlertState state = Alerts.empty();
        List<Boolean> firing = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            Alerts.update(rule, state, window(i, values[i], samples[i]), T0);
            // The next window opening closes this one.
            Alerts.update(rule, state, window(i + 1, 1.0, 0), T0);
            firing.add(state.getFiring());
        }
        return firing;
    }

    private static AlertSample window(int index, double value, long samples) {
        return AlertSample.newBuilder()
                .setMeasure("measured-top1")
                .setModel("m")
                .setDataset("fashion-mnist")
                .setResolution(null)
                .setSrMethod("bicubic")
                .setWindowStart(T0.plus(WINDOW.multipliedBy(index)))
                .setWindowEnd(T0.plus(WINDOW.multipliedBy(index + 1)))
                .setValue(value)
                .setSamples(samples)
                .build();
    }

    private static String join(double[] values) {
        return java.util.Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(" "));
    }

    private static String join(long[] values) {
        return IntStream.range(0, values.length)
                .mapToObj(i -> Long.toString(values[i]))
                .collect(Collectors.joining(" "));
    }

    private static String promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ":\n" + output);
        return output;
    }
}
