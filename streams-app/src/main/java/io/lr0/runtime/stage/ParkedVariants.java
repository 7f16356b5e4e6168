package io.lr0.runtime.stage;

import io.lr0.schema.ImageVariant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Variants waiting for their micro-batch. Each is kept twice: in a changelogged store, so under exactly-once a crash
 * between arrival and batch loses nothing and repeats nothing, and in memory with its prepared form (decoded,
 * pre-processed), so a batch does not decode again. The store is read only to rebuild the memory after a restart.
 *
 * @param <P> what a variant is prepared into on arrival
 */
public final class ParkedVariants<P> {
    private final KeyValueStore<String, ImageVariant> store;
    private final Map<String, Parked<P>> inMemory = new LinkedHashMap<>();

    public ParkedVariants(KeyValueStore<String, ImageVariant> store) {
        this.store = store;
    }

    /**
     * The store a batching stage parks its variants in: in memory, changelogged, and cached, so a variant parked and
     * released between two commits never reaches the changelog (only its small tombstone does) while one still
     * parked at a commit is written in that commit's transaction.
     */
    public static StoreBuilder<KeyValueStore<String, ImageVariant>> storeBuilder(
            String name, Serde<ImageVariant> serde) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
                .withCachingEnabled();
    }

    /** A parked variant and its prepared form. */
    public record Parked<P>(String key, ImageVariant variant, P prepared) {}

    /** Rebuilds the in-memory copy from the store (after a restart or a rebalance); returns how many it found. */
    public int restore(Function<ImageVariant, P> prepare) {
        try (KeyValueIterator<String, ImageVariant> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, ImageVariant> entry = all.next();
                inMemory.put(entry.key, new Parked<>(entry.key, entry.value, prepare.apply(entry.value)));
            }
        }
        return inMemory.size();
    }

    public void park(String key, ImageVariant variant, P prepared) {
        store.put(key, variant);
        inMemory.put(key, new Parked<>(key, variant, prepared));
    }

    /** Forgets a variant once its result has been forwarded (in the same transaction). */
    public void release(String key) {
        store.delete(key);
        inMemory.remove(key);
    }

    public int size() {
        return inMemory.size();
    }

    /**
     * The ready variants cut into batches of at most {@code batchSize}, each batch from one group (variants that can
     * share a forward pass), in arrival order. With {@code onlyFull}, only full batches.
     */
    public List<List<Parked<P>>> batches(
            int batchSize, Predicate<Parked<P>> ready, Function<Parked<P>, ?> group, boolean onlyFull) {
        Map<Object, List<Parked<P>>> byGroup = new LinkedHashMap<>();
        for (Parked<P> parked : inMemory.values()) {
            if (ready.test(parked)) {
                byGroup.computeIfAbsent(group.apply(parked), g -> new ArrayList<>())
                        .add(parked);
            }
        }
        List<List<Parked<P>>> batches = new ArrayList<>();
        for (List<Parked<P>> members : byGroup.values()) {
            for (int start = 0; start < members.size(); start += batchSize) {
                List<Parked<P>> batch = members.subList(start, Math.min(members.size(), start + batchSize));
                if (!onlyFull || batch.size() == batchSize) {
                    batches.add(List.copyOf(batch));
                }
            }
        }
        return batches;
    }
}
