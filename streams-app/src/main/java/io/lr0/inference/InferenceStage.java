package io.lr0.inference;

import io.lr0.app.Lr0Config;
import io.lr0.app.Lr0Serdes;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The inference stage: image-variants -> zero-shot predictions, micro-batched, on the label space of each dataset. */
public final class InferenceStage {
    /** Variants waiting for their batch; changelogged, so a crash does not lose them. */
    public static final String PARKED_STORE = "inference-parked";
    /** Label spaces from the datasets topic, on every instance. */
    public static final String DATASETS_STORE = "datasets";

    private final AtomicLong labelsOutsideLabelSpace = new AtomicLong();

    /** Adds the stage, reading {@code image-variants} as a topic so it can run on other (GPU) instances. */
    public void addTo(StreamsBuilder builder, Lr0Config config, Lr0Serdes serdes, ZeroShotModel model) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DATASETS_STORE), Serdes.String(),
                        serdes.<DatasetInfo>value()).withLoggingDisabled(),
                config.datasetsTopic(),
                Consumed.with(Serdes.String(), serdes.<DatasetInfo>value()),
                DatasetStoreUpdater::new);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PARKED_STORE),
                Serdes.String(), serdes.<ImageVariant>value()));
        LabelSpaces labelSpaces = new LabelSpaces(model, config.promptsDir());
        builder.stream(config.variantsTopic(), Consumed.<String, ImageVariant>with(Serdes.String(), serdes.value())
                        .withName("variants-for-inference"))
                // Park, batch, run the model, emit one prediction per variant; bad variants are dead-lettered to
                // image-variants-dlq by DeadLetterHandler.
                .process(() -> new InferenceProcessor(model, labelSpaces, config.imageLimits(), config.batchSize(),
                        config.batchMaxWait(), config.topK(), labelsOutsideLabelSpace), Named.as("zero-shot"),
                        PARKED_STORE)
                .to(config.predictionsTopic(), Produced.<String, Prediction>with(Serdes.String(), serdes.value())
                        .withName("predictions"));
    }

    /** Predictions whose ground-truth label was outside its dataset's label space (correct left unset). */
    public long labelsOutsideLabelSpace() {
        return labelsOutsideLabelSpace.get();
    }

    /** Keeps the global datasets store equal to the compacted datasets topic. */
    private static final class DatasetStoreUpdater implements Processor<String, DatasetInfo, Void, Void> {
        private KeyValueStore<String, DatasetInfo> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(DATASETS_STORE);
        }

        @Override
        public void process(Record<String, DatasetInfo> record) {
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
