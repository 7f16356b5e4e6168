package io.lr0.testing;

import io.lr0.app.Lr0Config;
import io.lr0.local.LocalStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The configuration of an lr0 instance in a test, on a local stack. */
public final class AppConfig {
    private AppConfig() {}

    /**
     * An instance on {@code stack} with its state under {@code stateDir}, its dashboard on a free port, and {@code
     * settings} as key, value, key, value...
     */
    public static Lr0Config on(LocalStack stack, Path stateDir, String... settings) {
        Map<String, String> values = new HashMap<>(Map.of(
                Lr0Config.BOOTSTRAP_SERVERS,
                stack.bootstrapServers(),
                Lr0Config.SCHEMA_REGISTRY_URL,
                stack.registryUrl(),
                Lr0Config.STATE_DIR,
                stateDir.toString(),
                Lr0Config.DASHBOARD_PORT,
                "0"));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return Lr0Config.of(values);
    }
}
