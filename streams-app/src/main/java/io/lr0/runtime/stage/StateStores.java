package io.lr0.runtime.stage;

import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Where the topology's state stores keep their data ({@code state.stores}): the stores the DSL makes (aggregates,
 * joins, tables) through Kafka Streams' {@code dsl.store.suppliers.class}, and those lr0 adds itself through
 * {@link #keyValue}, so one setting decides for every store.
 *
 * <p>In memory is the default because of a Kafka Streams defect (4.3.1 to 4.4.0, docs/operations.md "Faults of a
 * replicated cluster"): under exactly-once, a task whose local store directory holds data but no checkpoint is
 * declared corrupted when it starts, and when that happens during a rebalance the thread's open transaction, which
 * also holds the output of its healthy tasks, is aborted while those tasks go on from their positions: their records
 * are lost. In-memory stores have no local directory to find so, and every start restores them from their changelog.
 */
public enum StateStores {
    /** On the heap, restored from the changelog whenever a task starts. */
    IN_MEMORY("in-memory", BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class),
    /** In RocksDB under {@code state.dir}: resumes from its checkpoint after a clean stop. */
    ROCKSDB("rocksdb", BuiltInDslStoreSuppliers.RocksDBDslStoreSuppliers.class);

    private final String configName;
    private final Class<? extends DslStoreSuppliers> dslSuppliers;

    StateStores(String configName, Class<? extends DslStoreSuppliers> dslSuppliers) {
        this.configName = configName;
        this.dslSuppliers = dslSuppliers;
    }

    /** The value of {@code state.stores} that names this kind. */
    public String configName() {
        return configName;
    }

    /** What Kafka Streams' {@code dsl.store.suppliers.class} is set to, so the DSL's stores are of this kind too. */
    public Class<? extends DslStoreSuppliers> dslSuppliers() {
        return dslSuppliers;
    }

    /** A key-value store of this kind named {@code name}. */
    public KeyValueBytesStoreSupplier keyValue(String name) {
        return this == IN_MEMORY ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }

    /** The kind {@code configName} names ({@code state.stores} is validated against them before it gets here). */
    public static StateStores named(String configName) {
        for (StateStores kind : values()) {
            if (kind.configName.equals(configName)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("No state store kind " + configName);
    }
}
