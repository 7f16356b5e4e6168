package io.lr0.degrade;

import io.lr0.image.Raster;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.Stage;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The degradation stage: images -> one low-resolution variant per configured short side, plus the native one. */
public final class DegradeStage implements Stage<ImageRecord, ImageVariant> {
    private final DegradeSettings settings;
    private final Consumer<Raster> variantCheck;
    private final OperationalMetrics meters;

    /** The stage alone: nothing chained after it in its task. */
    public DegradeStage(DegradeSettings settings, OperationalMetrics meters) {
        this(settings, raster -> {}, meters);
    }

    /**
     * The stage with a stage chained after it in the same task, whose own arrival check of a variant's pixels is
     * {@code variantCheck} (it throws for a variant that stage would refuse, so the image is dead-lettered whole).
     */
    public DegradeStage(DegradeSettings settings, Consumer<Raster> variantCheck, OperationalMetrics meters) {
        this.settings = settings;
        this.variantCheck = variantCheck;
        this.meters = meters;
    }

    @Override
    public KStream<String, ImageVariant> addTo(
            StreamsBuilder builder, KStream<String, ImageRecord> images, StageSerdes serdes) {
        KStream<String, ImageVariant> variants = images
                // Decode once per image and resize to every resolution of its dataset; bad images are thrown
                // and dead-lettered by DeadLetterHandler with the reason.
                .process(() -> new DegradeProcessor(settings, variantCheck, meters), Named.as("degrade"));
        // Variants are a topic of their own so other consumers (and later stages on other instances) can use them.
        variants.to(
                settings.variantsTopic(),
                Produced.<String, ImageVariant>with(Serdes.String(), serdes.value(ImageVariant.class))
                        .withName("image-variants"));
        return variants;
    }
}
