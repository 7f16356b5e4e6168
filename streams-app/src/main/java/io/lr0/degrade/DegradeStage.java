package io.lr0.degrade;

import io.lr0.app.Lr0Config;
import io.lr0.app.Lr0Serdes;
import io.lr0.image.Raster;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The degradation stage: images -> one low-resolution variant per configured short side, plus the native one. */
public final class DegradeStage {
    private DegradeStage() {
    }

    /**
     * Adds the stage to {@code builder}; returns the variants stream for a stage chained after it in the same task,
     * whose own arrival check of a variant's pixels is {@code variantCheck} (it throws for a variant that stage would
     * refuse, so the image is dead-lettered whole; {@code raster -> { }} when nothing is chained).
     */
    public static KStream<String, ImageVariant> addTo(StreamsBuilder builder, Lr0Config config, Lr0Serdes serdes,
                                                      Consumer<Raster> variantCheck) {
        KStream<String, ImageVariant> variants = builder
                .stream(config.imagesTopic(), Consumed.<String, ImageRecord>with(Serdes.String(), serdes.value())
                        .withName("images"))
                // Decode once per image and resize to every resolution of its dataset; bad images are thrown
                // and dead-lettered by DeadLetterHandler with the reason.
                .process(() -> new DegradeProcessor(config::resolutionsFor, config.emitNative(), config.imageLimits(),
                        variantCheck), Named.as("degrade"));
        // Variants are a topic of their own so other consumers (and later stages on other instances) can use them.
        variants.to(config.variantsTopic(), Produced.<String, ImageVariant>with(Serdes.String(), serdes.value())
                .withName("image-variants"));
        return variants;
    }
}
