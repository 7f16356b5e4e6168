package io.lr0.superres;

import io.lr0.contract.StoreNames;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.ParkedVariants;
import io.lr0.runtime.stage.Stage;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.ImageVariant;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The super-resolution stage: low-resolution variants -> {@code upscaled-variants}, each up-sampled by a learned
 * method (LIIF) to the model's input size. Bicubic needs no stage: it is the model's own pre-processing.
 */
public final class SuperResolutionStage implements Stage<ImageVariant, ImageVariant> {
    private final SuperResolutionSettings settings;
    private final Supplier<Upscaler> upscalers;
    private final int targetShortSide;
    private final OperationalMetrics meters;

    /**
     * {@code upscalers} gives each stream task its own up-sampler; {@code targetShortSide} is the short side it
     * up-samples to (the model's input size, or the configured one).
     */
    public SuperResolutionStage(
            SuperResolutionSettings settings,
            Supplier<Upscaler> upscalers,
            int targetShortSide,
            OperationalMetrics meters) {
        this.settings = settings;
        this.upscalers = upscalers;
        this.targetShortSide = targetShortSide;
        this.meters = meters;
    }

    @Override
    public KStream<String, ImageVariant> addTo(
            StreamsBuilder builder, KStream<String, ImageVariant> variants, StageSerdes serdes) {
        builder.addStateStore(
                ParkedVariants.storeBuilder(StoreNames.SUPERRES_PARKED, serdes.value(ImageVariant.class)));
        KStream<String, ImageVariant> upscaled = variants
                // The native variant is the high-resolution reference, and a variant at or above the target (a
                // camera's 128 px before a 32 px model) has no pixels to recover: only the bicubic path classifies
                // them. A tombstone passes on, to be dead-lettered by the processor.
                .filter(
                        (key, variant) -> variant == null
                                || (variant.getResolution() != null && variant.getResolution() < targetShortSide),
                        Named.as("low-res-for-superres"))
                // Park, batch by size, up-sample; a scale above sr.max.scale is dead-lettered to
                // image-variants-dlq by DeadLetterHandler.
                .process(
                        () -> new SuperResolutionProcessor(upscalers, settings, targetShortSide, meters),
                        Named.as("super-resolution"),
                        StoreNames.SUPERRES_PARKED);
        // A topic of its own: inference may run on other (GPU) instances, and users can look at the images.
        upscaled.to(
                settings.upscaledTopic(),
                Produced.<String, ImageVariant>with(Serdes.String(), serdes.value(ImageVariant.class))
                        .withName("upscaled-variants"));
        return upscaled;
    }
}
