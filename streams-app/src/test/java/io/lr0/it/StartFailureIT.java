package io.lr0.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.local.EmbeddedKafka;
import io.lr0.local.LocalStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance whose start fails at its last step (Kafka Streams not running in time: stream threads started, state
 * directory locked, dashboard port bound, models and serdes open) closes all of it: no thread of it is left, and an
 * instance on the same state directory and port starts right after.
 */
class StartFailureIT {
    private static final String APPLICATION_ID = "start-failure-it";

    @Test
    void aStartThatFailsLateLeavesNoThreadPortOrLockBehind(@TempDir Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir.resolve("stack"), 0, 0, 0)) {
            int dashboardPort = EmbeddedKafka.freePort();
            Map<String, String> settings = new HashMap<>(Map.of(
                    Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                    Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                    Lr0Config.APPLICATION_ID, APPLICATION_ID,
                    Lr0Config.STATE_DIR, dir.resolve("streams").toString(),
                    Lr0Config.DASHBOARD_PORT, String.valueOf(dashboardPort)));
            Map<String, String> impatient = new HashMap<>(settings);
            impatient.put(Lr0Config.STARTUP_TIMEOUT_MS, "1");

            IllegalStateException failure =
                    assertThrows(IllegalStateException.class, () -> Lr0App.start(Lr0Config.of(impatient)));
            assertTrue(failure.getMessage().contains("not running after"), failure.getMessage());
            assertEquals(List.of(), threadsOf(APPLICATION_ID), "threads of the failed instance still alive");

            // The same state directory (its lock) and dashboard port, at once.
            try (Lr0App app = Lr0App.start(Lr0Config.of(settings))) {
                assertTrue(app.dashboardUrl().endsWith(":" + dashboardPort), app.dashboardUrl());
            }
        }
        assertEquals(List.of(), threadsOf(APPLICATION_ID), "threads of the closed instance still alive");
    }

    /** Live threads whose names carry {@code applicationId} (Kafka Streams names its threads and clients so). */
    private static List<String> threadsOf(String applicationId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.contains(applicationId))
                .sorted()
                .toList();
    }
}
