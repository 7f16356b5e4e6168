package io.lr0.cli;

import io.lr0.dashboard.PrometheusRules;
import io.lr0.metrics.MetricsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lr0 prometheus-rules}: the configured alert rules as a Prometheus rules file. */
@Command(
        name = "prometheus-rules",
        mixinStandardHelpOptions = true,
        description = "Print the Prometheus alert rules equivalent to the configured alert.rules (the same "
                + "thresholds, windows and hysteresis, on the robustness gauges of /metrics): a rules file for "
                + "Prometheus and Alertmanager. Check it with `promtool check rules FILE`.")
final class PrometheusRulesCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the rules here instead of printing them.")
    Path output;

    @Override
    public Integer call() throws IOException {
        MetricsSettings settings = config.load(Map.of()).metricsSettings();
        String yaml = PrometheusRules.yaml(settings.alertRules(), settings.window());
        if (output == null) {
            System.out.print(yaml);
        } else {
            Files.writeString(output, yaml);
            System.err.println("lr0: " + settings.alertRules().size() + " rules written to " + output);
        }
        return 0;
    }
}
