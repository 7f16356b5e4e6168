package io.lr0.inference;

import io.lr0.app.Lr0Config;
import io.lr0.app.Lr0Serdes;
import io.lr0.batching.ParkedVariants;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.superres.SuperResolution;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The inference stage: image-variants -> zero-shot predictions, micro-batched, on the label space of each dataset. */
public final class InferenceStage {
    /** Variants waiting for their batch; changelogged, so a crash does not lose them. */
    public static final String PARKED_STORE = "inference-parked";

    private final AtomicLong labelsOutsideLabelSpace = new AtomicLong();

    /**
     * What this stage refuses on arrival, as a check of a variant's pixels (it throws {@link
     * io.lr0.image.BadImageException}): for the degradation to apply to its variants when the stages are chained.
     */
    public static Consumer<Raster> arrivalCheck(ZeroShotModel model, ImageLimits limits) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(model.spec());
        return image -> preprocessor.checkResizable(image, limits);
    }

    /**
     * Adds the stage on {@code variants} (read from the image-variants topic, so it can run on other (GPU)
     * instances, or chained to the degradation in its task) and, when LIIF is configured, on {@code
     * upscaled-variants}. Needs the {@link io.lr0.app.LabelSpaceStore}.
     */
    public void addTo(StreamsBuilder builder, KStream<String, ImageVariant> variants, Lr0Config config,
                      Lr0Serdes serdes, ZeroShotModel model) {
        builder.addStateStore(ParkedVariants.storeBuilder(PARKED_STORE, serdes.value()));
        LabelSpaces labelSpaces = new LabelSpaces(model, config.promptsDir());
        KStream<String, ImageVariant> inputs = variants;
        if (!config.srMethods().contains(SuperResolution.BICUBIC)) {
            // Without the bicubic method only the native reference (A_HR) is classified as it is.
            inputs = inputs.filter((key, variant) -> variant == null || variant.getResolution() == null,
                    Named.as("native-only"));
        }
        if (config.liifEnabled()) {
            // The LIIF outputs are classified like any variant; their method travels in the record.
            inputs = inputs.merge(builder.stream(config.upscaledTopic(),
                    Consumed.<String, ImageVariant>with(Serdes.String(), serdes.value()).withName("upscaled")),
                    Named.as("variants-and-upscaled"));
        }
        inputs
                // Park, batch, run the model, emit one prediction per variant and method; bad variants are
                // dead-lettered to <source topic>-dlq by DeadLetterHandler.
                .process(() -> new InferenceProcessor(model, labelSpaces, config.imageLimits(), config.batchSize(),
                        config.batchMaxWait(), config.topK(), config.getBoolean(Lr0Config.INFERENCE_THUMBNAILS),
                        labelsOutsideLabelSpace), Named.as("zero-shot"),
                        PARKED_STORE)
                .to(config.predictionsTopic(), Produced.<String, Prediction>with(Serdes.String(), serdes.value())
                        .withName("predictions"));
    }
}
