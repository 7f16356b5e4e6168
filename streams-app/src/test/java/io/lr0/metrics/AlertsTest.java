package io.lr0.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.schema.Alert;
import io.lr0.schema.AlertSample;
import io.lr0.schema.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The rules as configured, and their decisions window by window. */
class AlertsTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static AlertRule rule(Map<String, String> settings) {
        return AlertRule.parse(List.of("low"), settings).get(0);
    }

    private static final AlertRule RULE = rule(
            Map.of("low.measure", "agreement-top1", "low.below", "0.6", "low.resolve.at", "0.7", "low.windows", "2"));

    private static AlertSample window(int minute, double value, long samples) {
        return AlertSample.newBuilder()
                .setMeasure("agreement-top1")
                .setModel("m")
                .setSource("camera:door")
                .setResolution(16)
                .setSrMethod("bicubic")
                .setWindowStart(T0.plus(Duration.ofMinutes(minute)))
                .setWindowEnd(T0.plus(Duration.ofMinutes(minute + 1)))
                .setValue(value)
                .setSamples(samples)
                .build();
    }

    /** Feeds the windows in order; the statuses decided, in order. */
    private static List<String> decide(AlertState state, AlertSample... windows) {
        return Arrays.stream(windows)
                .map(window -> Alerts.update(RULE, state, window, T0))
                .flatMap(Optional::stream)
                .map(Alert::getStatus)
                .toList();
    }

    @Test
    void firesOnceTheRulesWindowsAreClosedAndBelow() {
        AlertState state = Alerts.empty();
        assertEquals(List.of(), decide(state, window(0, 0.5, 50), window(1, 0.4, 50)), "the second is still open");
        Optional<Alert> fired = Alerts.update(RULE, state, window(2, 0.9, 5), T0);
        assertEquals("firing", fired.orElseThrow().getStatus());
        assertEquals(0.4, fired.get().getValue(), 1e-12, "decided by the last closed window");
        assertEquals(T0, fired.get().getSince());
        assertEquals(T0.plus(Duration.ofMinutes(1)), fired.get().getWindowStart());
        assertTrue(state.getFiring());
        assertEquals(List.of(), decide(state, window(3, 0.9, 50)), "fires once, not on every window");
    }

    @Test
    void aValueBetweenTheThresholdAndTheResolveLevelChangesNothing() {
        AlertState state = Alerts.empty();
        assertEquals(List.of("firing"), decide(state, window(0, 0.5, 50), window(1, 0.5, 50), window(2, 0.65, 50)));
        assertEquals(List.of(), decide(state, window(3, 0.5, 50)), "0.65 closed: above 0.6, below 0.7");
        assertEquals(List.of(), decide(state, window(4, 0.7, 50)), "0.5 closed");
        assertEquals(List.of("resolved"), decide(state, window(5, 0.1, 50)), "0.7 closed: resolved");
        assertFalse(state.getFiring());
    }

    @Test
    void aThinWindowBreaksARunAndALateUpdateIsDecidedAgain() {
        AlertState state = Alerts.empty();
        assertEquals(List.of(), decide(state, window(0, 0.5, 50), window(1, 0.5, 3), window(2, 0.9, 50)));
        // The thin window filled up late (within the grace): the same windows now fire.
        assertEquals(List.of("firing"), decide(state, window(1, 0.5, 40)));
        assertEquals(3, state.getWindows().size(), "the rule's windows and the open one");
    }

    @Test
    void rulesTakeTheirDefaultsAndFilters() {
        AlertRule rule = rule(Map.of(
                "low.measure",
                "estimated-top1",
                "low.below",
                "0.5",
                "low.source",
                "camera:door",
                "low.resolution",
                "native"));
        assertEquals(0.55, rule.resolveAt(), 1e-12);
        assertEquals(3, rule.windows());
        assertEquals(20, rule.minSamples());
        AlertSample nativeDoor = AlertSample.newBuilder(window(0, 0.1, 50))
                .setMeasure("estimated-top1")
                .setResolution(null)
                .build();
        assertTrue(rule.matches(nativeDoor));
        assertFalse(rule.matches(
                AlertSample.newBuilder(nativeDoor).setResolution(16).build()));
        assertFalse(rule.matches(
                AlertSample.newBuilder(nativeDoor).setSource("camera:hall").build()));
        assertFalse(rule.matches(
                AlertSample.newBuilder(nativeDoor).setMeasure("gamma").build()));
    }

    @Test
    void aBadRuleIsRefusedWithItsKeyAndTheReason() {
        Map<String, String> good = Map.of("low.measure", "gamma", "low.below", "0.5");
        Map<String, String> expected = Map.of(
                "alert.rule.low.measure", "low.measure=accuracy",
                "alert.rule.low.below", "low.below=1.5",
                "alert.rule.low.resolve.at", "low.resolve.at=0.4",
                "alert.rule.low.windows", "low.windows=0",
                "alert.rule.low.resolution", "low.resolution=big",
                "alert.rule.low.colour", "low.colour=red",
                "alert.rule.other.below", "other.below=0.5");
        expected.forEach((key, override) -> {
            Map<String, String> settings = new HashMap<>(good);
            String[] pair = override.split("=", 2);
            settings.put(pair[0], pair[1]);
            ConfigException refused =
                    assertThrows(ConfigException.class, () -> AlertRule.parse(List.of("low"), settings), override);
            assertTrue(refused.getMessage().contains(key), refused.getMessage());
        });
        ConfigException noBelow = assertThrows(
                ConfigException.class, () -> AlertRule.parse(List.of("low"), Map.of("low.measure", "gamma")));
        assertTrue(noBelow.getMessage().contains("alert.rule.low.below"), noBelow.getMessage());
        ConfigException badName = assertThrows(ConfigException.class, () -> AlertRule.parse(List.of("a/b"), Map.of()));
        assertTrue(badName.getMessage().contains("alert.rules"), badName.getMessage());
    }
}
