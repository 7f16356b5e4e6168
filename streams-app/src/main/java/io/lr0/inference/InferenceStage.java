package io.lr0.inference;

import io.lr0.contract.Lanes;
import io.lr0.contract.SrMethods;
import io.lr0.contract.StoreNames;
import io.lr0.image.Raster;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.ParkedVariants;
import io.lr0.runtime.stage.Stage;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.DatasetInfo;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The inference stage of one model: variants (raw, and after learned super-resolution) -> zero-shot predictions,
 * micro-batched, on the label space of each dataset. Needs the {@link io.lr0.runtime.labelspace.LabelSpaceStore}. Several
 * models classify one stream through {@link InferenceStages}, one lane each.
 */
public final class InferenceStage implements Stage<ImageVariant, Prediction> {
    private final InferenceSettings settings;
    private final DualEncoder model;
    /** The model's place in {@code inference.model}: its processors and store are named for it. */
    private final int lane;

    private final OperationalMetrics meters;
    private final AtomicLong labelsOutsideLabelSpace = new AtomicLong();
    private final LabelSpaces labelSpaces;

    public InferenceStage(InferenceSettings settings, DualEncoder model, int lane, OperationalMetrics meters) {
        this.settings = settings;
        this.model = model;
        this.lane = lane;
        this.meters = meters;
        this.labelSpaces = new LabelSpaces(
                model, settings.promptsDir(), settings.labelCacheDir(), settings.labelSpaceMaxPrompts(), meters);
    }

    /**
     * Whether this stage can classify records of a label space now: false while its prompts are being encoded
     * (started by the question), so that a {@link io.lr0.runtime.labelspace.LabelSpaceGate} holds them meanwhile; it throws
     * {@link io.lr0.image.BadImageException} ({@code BAD_LABEL_SPACE}) for a label space that can never be used.
     */
    public Predicate<DatasetInfo> labelSpaceReady() {
        return labelSpaces::usable;
    }

    /**
     * What this stage refuses on arrival, as a check of a variant's pixels (it throws {@link
     * io.lr0.image.BadImageException}): for the degradation to apply to its variants when the stages are chained.
     */
    public Consumer<Raster> arrivalCheck() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(model.spec());
        return image -> preprocessor.checkResizable(image, settings.limits());
    }

    /** The model this stage runs. */
    public ModelSpec spec() {
        return model.spec();
    }

    @Override
    public KStream<String, Prediction> addTo(
            StreamsBuilder builder, KStream<String, ImageVariant> variants, StageSerdes serdes) {
        String parked = StoreNames.inferenceParked(lane);
        String suffix = Lanes.suffix(lane);
        builder.addStateStore(ParkedVariants.storeBuilder(parked, serdes.value(ImageVariant.class)));
        KStream<String, ImageVariant> inputs = variants;
        if (!settings.classifyBicubic()) {
            // Without the bicubic method only the native reference (A_HR) and the learned super-resolution's
            // outputs (their method travels in the record) are classified.
            inputs = inputs.filter(
                    (key, variant) -> variant == null
                            || variant.getResolution() == null
                            || !SrMethods.BICUBIC.equals(variant.getSrMethod()),
                    Named.as("native-only" + suffix));
        }
        KStream<String, Prediction> predictions = inputs
                // Park, batch, run the model, emit one prediction per variant and method; bad variants are
                // dead-lettered to <source topic>-dlq by DeadLetterHandler.
                .process(
                () -> new InferenceProcessor(model, parked, labelSpaces, settings, labelsOutsideLabelSpace, meters),
                Named.as("zero-shot" + suffix),
                parked);
        predictions.to(
                settings.predictionsTopic(),
                Produced.<String, Prediction>with(Serdes.String(), serdes.value(Prediction.class))
                        .withName("predictions" + suffix));
        return predictions;
    }
}
