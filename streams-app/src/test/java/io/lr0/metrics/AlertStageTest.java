package io.lr0.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.app.Lr0Config;
import io.lr0.schema.Alert;
import io.lr0.schema.LabelScore;
import io.lr0.schema.Prediction;
import io.lr0.testing.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An alert rule through the whole topology (TopologyTestDriver): a measured accuracy that drops, then recovers. */
class AlertStageTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyHarness harness;
    private TestInputTopic<String, Prediction> predictions;
    private int sequence;

    @BeforeEach
    void start() {
        harness = TopologyHarness.start(
                stateDir,
                Map.of(
                        Lr0Config.METRICS_WINDOW_MS,
                        "60000",
                        Lr0Config.ALERT_RULES,
                        "seven-px-low",
                        "alert.rule.seven-px-low.measure",
                        "measured-top1",
                        "alert.rule.seven-px-low.below",
                        "0.6",
                        "alert.rule.seven-px-low.windows",
                        "2",
                        "alert.rule.seven-px-low.min.samples",
                        "5",
                        "alert.rule.seven-px-low.resolution",
                        "7"),
                null,
                null);
        predictions = harness.input("predictions", Prediction.class);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** Ten labelled predictions in minute {@code minute} at {@code resolution}, {@code correct} of them right. */
    private void minute(int minute, Integer resolution, int correct) {
        Instant at = T0.plus(Duration.ofMinutes(minute));
        for (int i = 0; i < 10; i++) {
            String predicted = i < correct ? "c1" : "c2";
            predictions.pipeInput(
                    "v" + sequence,
                    Prediction.newBuilder()
                            .setImageId("img" + sequence++)
                            .setVariantKey("v")
                            .setDataset("d1")
                            .setModel("m")
                            .setResolution(resolution)
                            .setSrMethod("bicubic")
                            .setLabel("c1")
                            .setPredicted(predicted)
                            .setTopK(List.of(new LabelScore(predicted, 0.9f)))
                            .setCorrect(i < correct)
                            .setCaptureTimestamp(at)
                            .setPredictionTimestamp(at)
                            .build(),
                    at);
        }
    }

    @Test
    void anAccuracyThatDropsFiresOnceAndResolvesWhenItRecovers() {
        minute(0, 7, 2);
        minute(0, 14, 2);
        minute(1, 7, 3);
        minute(2, 7, 9);
        minute(3, 7, 9);
        minute(4, 7, 9);
        List<KeyValue<String, Alert>> alerts =
                harness.output("robustness-alerts", Alert.class).readKeyValuesToList();
        assertEquals(
                List.of("firing", "resolved"),
                alerts.stream().map(kv -> kv.value.getStatus()).toList());
        String key = "seven-px-low/measured-top1/m/d1/7/bicubic";
        assertTrue(alerts.stream().allMatch(kv -> kv.key.equals(key)), "only the 7 px cell: " + alerts);
        Alert firing = alerts.get(0).value;
        assertEquals(0.3, firing.getValue(), 1e-12);
        assertEquals(T0, firing.getSince());
        assertEquals(T0.plus(Duration.ofMinutes(1)), firing.getWindowStart());
        Alert resolved = alerts.get(1).value;
        assertEquals(0.9, resolved.getValue(), 1e-12);
        assertEquals(T0.plus(Duration.ofMinutes(2)), resolved.getWindowStart());
        assertEquals(T0, resolved.getSince());
    }

    @Test
    void aBadRuleIsRefusedAtStart() {
        ConfigException refused = assertThrows(
                ConfigException.class,
                () -> Lr0Config.of(Map.of(
                        Lr0Config.ALERT_RULES, "low", "alert.rule.low.measure", "gamma", "alert.rule.low.below", "2")));
        assertTrue(refused.getMessage().contains("alert.rule.low.below"), refused.getMessage());
    }
}
