package io.lr0.runtime.labelspace;

import io.lr0.contract.StoreNames;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.DatasetInfo;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The label spaces of the datasets topic as a global store: every instance sees every dataset's class list. */
public final class LabelSpaceStore {
    private LabelSpaceStore() {}

    /**
     * Adds the global store of {@code datasetsTopic} (compacted, one partition); {@code published} learns of each
     * label space as it arrives (to start preparing for it at once; it must not block: the global thread calls it).
     */
    public static void addTo(
            StreamsBuilder builder, String datasetsTopic, StageSerdes serdes, Consumer<DatasetInfo> published) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.LABEL_SPACES),
                                Serdes.String(),
                                serdes.value(DatasetInfo.class))
                        .withLoggingDisabled(),
                datasetsTopic,
                Consumed.with(Serdes.String(), serdes.value(DatasetInfo.class)),
                () -> new Updater(published));
    }

    /** The number of classes of {@code dataset}, or 0 while its label space is unknown. */
    public static int classesOf(ReadOnlyKeyValueStore<String, DatasetInfo> store, String dataset) {
        DatasetInfo info = store.get(dataset);
        return info == null ? 0 : info.getClasses().size();
    }

    /** Keeps the store equal to the compacted topic. */
    private static final class Updater implements Processor<String, DatasetInfo, Void, Void> {
        private final Consumer<DatasetInfo> published;
        private KeyValueStore<String, DatasetInfo> store;

        Updater(Consumer<DatasetInfo> published) {
            this.published = published;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(StoreNames.LABEL_SPACES);
        }

        @Override
        public void process(Record<String, DatasetInfo> record) {
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
                published.accept(record.value());
            }
        }
    }
}
