package io.lr0.inference;

import io.lr0.app.Lr0Config;
import io.lr0.app.Lr0Serdes;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/** The inference stage: image-variants -> zero-shot predictions, micro-batched, on the label space of each dataset. */
public final class InferenceStage {
    /** Variants waiting for their batch; changelogged, so a crash does not lose them. */
    public static final String PARKED_STORE = "inference-parked";

    private final AtomicLong labelsOutsideLabelSpace = new AtomicLong();

    /**
     * Adds the stage, reading {@code image-variants} as a topic so it can run on other (GPU) instances. Needs the
     * {@link io.lr0.app.LabelSpaceStore}.
     */
    public void addTo(StreamsBuilder builder, Lr0Config config, Lr0Serdes serdes, ZeroShotModel model) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PARKED_STORE),
                Serdes.String(), serdes.<ImageVariant>value()));
        LabelSpaces labelSpaces = new LabelSpaces(model, config.promptsDir());
        builder.stream(config.variantsTopic(), Consumed.<String, ImageVariant>with(Serdes.String(), serdes.value())
                        .withName("variants-for-inference"))
                // Park, batch, run the model, emit one prediction per variant; bad variants are dead-lettered to
                // image-variants-dlq by DeadLetterHandler.
                .process(() -> new InferenceProcessor(model, labelSpaces, config.imageLimits(), config.batchSize(),
                        config.batchMaxWait(), config.topK(), config.getBoolean(Lr0Config.INFERENCE_THUMBNAILS),
                        labelsOutsideLabelSpace), Named.as("zero-shot"),
                        PARKED_STORE)
                .to(config.predictionsTopic(), Produced.<String, Prediction>with(Serdes.String(), serdes.value())
                        .withName("predictions"));
    }
}
