package io.lr0.cli;

import io.lr0.app.Lr0Config;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration options every app command takes: the properties file and {@code --set} overrides. */
public final class ConfigOptions {
    @Option(
            names = "--config",
            defaultValue = "lr0.properties",
            description = "Properties file (default: ${DEFAULT-VALUE}; optional).")
    public Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override one setting (repeatable); keys in docs/configuration.md.")
    public Map<String, String> overrides = new LinkedHashMap<>();

    /** The configuration with {@code extra} applied before the command-line overrides. */
    public Lr0Config load(Map<String, String> extra) {
        Map<String, String> merged = new LinkedHashMap<>(extra);
        merged.putAll(overrides);
        return Lr0Config.load(file, System.getenv(), merged);
    }
}
