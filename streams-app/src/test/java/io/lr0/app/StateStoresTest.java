package io.lr0.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.contract.StoreNames;
import io.lr0.inference.Models;
import io.lr0.inference.ZeroShotModel;
import io.lr0.runtime.stage.StateStores;
import io.lr0.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.StateStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state.stores} decides for every store of the whole topology, those the DSL makes and those lr0 adds itself:
 * in memory by default (no local directory for Kafka Streams to declare corrupted after a fault), on disk with
 * {@code rocksdb}.
 */
class StateStoresTest {
    /** Stores lr0 keeps on the heap whatever the setting: small, or rebuilt from a topic on every start. */
    private static final Set<String> ALWAYS_IN_MEMORY = Set.of(StoreNames.LABEL_SPACES, StoreNames.RECENT_PREDICTIONS);

    private static ZeroShotModel model;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void load(@TempDir Path cache) throws Exception {
        model = Models.load(Models.BUNDLED, "", cache);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void everyStoreIsInMemoryByDefault() {
        Map<String, Boolean> persistent = persistenceOfEveryStore(Map.of());
        persistent.forEach((name, onDisk) -> assertFalse(onDisk, name + " is persistent: " + persistent));
    }

    @Test
    void rocksdbPutsEveryOtherStoreOnDisk() {
        Map<String, Boolean> persistent =
                persistenceOfEveryStore(Map.of(Lr0Config.STATE_STORES, StateStores.ROCKSDB.configName()));
        persistent.forEach((name, onDisk) -> assertEquals(
                !ALWAYS_IN_MEMORY.contains(name) && !name.startsWith("inference-parked"),
                onDisk,
                name + " with rocksdb: " + persistent));
    }

    /** Persistence of every store of the topology with inference, alerts and metrics, checked to cover all kinds. */
    private Map<String, Boolean> persistenceOfEveryStore(Map<String, String> settings) {
        Map<String, String> values = new HashMap<>(settings);
        values.put(Lr0Config.ALERT_RULES, "low");
        values.put("alert.rule.low.measure", "measured-top1");
        values.put("alert.rule.low.below", "0.5");
        Map<String, Boolean> persistent = new TreeMap<>();
        try (TopologyHarness harness = TopologyHarness.start(stateDir, values, model, null)) {
            for (Map.Entry<String, StateStore> store :
                    harness.driver().getAllStateStores().entrySet()) {
                persistent.put(store.getKey(), store.getValue().persistent());
            }
        }
        // lr0's own stores (the label-space wait, the alert state) and the DSL's (aggregates, joins, tables).
        for (String name : List.of(
                StoreNames.labelSpaceWait("images"),
                StoreNames.ALERT_STATE,
                StoreNames.ACCURACY_BY_DATASET,
                StoreNames.ACCURACY_BY_DATASET_WINDOWED,
                StoreNames.CALIBRATIONS,
                "agreement-join-this-join-store")) {
            assertTrue(persistent.containsKey(name), name + " not among " + persistent.keySet());
        }
        return persistent;
    }
}
