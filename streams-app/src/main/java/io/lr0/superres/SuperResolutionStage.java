package io.lr0.superres;

import io.lr0.app.Lr0Config;
import io.lr0.app.Lr0Serdes;
import io.lr0.batching.ParkedVariants;
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
public final class SuperResolutionStage {
    /** Variants waiting for their batch; changelogged, so a crash does not lose them. */
    public static final String PARKED_STORE = "superres-parked";

    private SuperResolutionStage() {
    }

    /**
     * Adds the stage on {@code variants}. {@code upscalers} gives each stream task its own up-sampler;
     * {@code targetShortSide} is the model's input size.
     */
    public static void addTo(StreamsBuilder builder, KStream<String, ImageVariant> variants, Lr0Config config,
                             Lr0Serdes serdes, Supplier<Upscaler> upscalers, int targetShortSide) {
        builder.addStateStore(ParkedVariants.storeBuilder(PARKED_STORE, serdes.value()));
        variants
                // The native variant is the high-resolution reference: nothing to recover there. A tombstone
                // passes on, to be dead-lettered by the processor.
                .filter((key, variant) -> variant == null || variant.getResolution() != null,
                        Named.as("low-res-for-superres"))
                // Park, batch by size, up-sample; a scale above sr.max.scale or a target smaller than the source
                // is dead-lettered to image-variants-dlq by DeadLetterHandler.
                .process(() -> new SuperResolutionProcessor(upscalers, config.imageLimits(), targetShortSide,
                        config.srMaxScale(), config.srBatchSize(), config.srBatchMaxWait()),
                        Named.as("super-resolution"), PARKED_STORE)
                // A topic of its own: inference may run on other (GPU) instances, and users can look at the images.
                .to(config.upscaledTopic(), Produced.<String, ImageVariant>with(Serdes.String(), serdes.value())
                        .withName("upscaled-variants"));
    }
}
