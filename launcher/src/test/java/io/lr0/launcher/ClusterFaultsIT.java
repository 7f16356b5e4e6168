package io.lr0.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Faults of a replicated cluster under load, sized for two cores: {@code lr0 faults} starts three broker processes
 * and two app instances, keeps images flowing at 10 a second, and SIGKILLs the busiest images partition's leader,
 * the active controller and an app instance, and SIGSTOPs a broker for 30 s. After each fault every image has
 * exactly one prediction per variant, the metrics equal a recount, and no image sits unprocessed.
 */
class ClusterFaultsIT {
    @Test
    void nothingIsLostOrDoubledWhenLeadersControllersAndInstancesFail() throws Exception {
        // Not under /tmp, where Kafka Streams rightly warns that the OS may clear its state; kept for the logs.
        Path dir =
                Files.createTempDirectory(Path.of("target"), "cluster-faults").toAbsolutePath();
        FaultsCommand faults = new FaultsCommand();
        int exit = new CommandLine(faults)
                .execute("--data-dir", dir.toString(), "--images-per-fault", "100", "--rate", "10");
        List<FaultsCommand.Outcome> outcomes = faults.outcomes;
        assertEquals(
                List.of(
                        FaultsCommand.Fault.LEADER,
                        FaultsCommand.Fault.CONTROLLER,
                        FaultsCommand.Fault.FREEZE,
                        FaultsCommand.Fault.INSTANCE),
                outcomes.stream().map(FaultsCommand.Outcome::fault).toList(),
                "every fault injected; the processes' logs are in " + dir);
        for (FaultsCommand.Outcome outcome : outcomes) {
            String where = outcome + "; logs in " + dir;
            assertTrue(outcome.images() > 0, where);
            assertEquals(0, outcome.missing(), "every image has all its predictions: " + where);
            assertEquals(0, outcome.duplicates(), "and each only once: " + where);
            assertEquals(0, outcome.metricsMismatch(), "the metrics equal a recount: " + where);
            assertEquals(0, outcome.unprocessed(), "no image sits unprocessed: " + where);
            assertTrue(outcome.queryGapSeconds() >= 0, where);
        }
        assertTrue(outcomes.get(0).target().startsWith("node-"), "a broker was the leader: " + outcomes.get(0));
        assertEquals("instance-2", outcomes.get(3).target());
        assertEquals(0, exit);
    }
}
