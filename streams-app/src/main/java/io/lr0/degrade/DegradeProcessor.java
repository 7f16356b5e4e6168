package io.lr0.degrade;

import io.lr0.contract.Keys;
import io.lr0.image.BadImageException;
import io.lr0.image.Degradations;
import io.lr0.image.ImageCodec;
import io.lr0.image.Raster;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.schema.DegradationMethod;
import io.lr0.schema.Image;
import io.lr0.schema.ImageRecord;
import io.lr0.schema.ImageVariant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One image in, one variant per target resolution out (plus the native reference). All variants are computed, and
 * checked against what a stage chained in the same task needs, before any is forwarded, so a failure dead-letters
 * the image without leaving a partial set downstream.
 */
final class DegradeProcessor implements Processor<String, ImageRecord, String, ImageVariant> {
    private final DegradeSettings settings;
    private final Consumer<Raster> variantCheck;
    private final OperationalMetrics meters;
    private final Timer decodeTime;
    private final Timer degradeTime;
    /** Meter lookups are not free: one counter per dataset, found once. */
    private final Map<String, Counter> variantCounters = new HashMap<>();

    private ProcessorContext<String, ImageVariant> context;

    DegradeProcessor(DegradeSettings settings, Consumer<Raster> variantCheck, OperationalMetrics meters) {
        this.settings = settings;
        this.variantCheck = variantCheck;
        this.meters = meters;
        this.decodeTime = meters.stageTimer("decode");
        this.degradeTime = meters.stageTimer("degrade");
    }

    @Override
    public void init(ProcessorContext<String, ImageVariant> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, ImageRecord> record) {
        ImageRecord image = record.value();
        if (image == null) {
            throw new BadImageException(
                    BadImageException.Reason.EMPTY_RECORD, "record with key '" + record.key() + "' has no value");
        }
        // Its text goes into every output record: bounded before anything is decoded or written.
        settings.recordLimits().check(image);
        long start = System.nanoTime();
        Raster nativeImage = ImageCodec.decode(image.getImage(), settings.limits());
        long decoded = System.nanoTime();
        decodeTime.record(decoded - start, TimeUnit.NANOSECONDS);
        List<Record<String, ImageVariant>> variants = new ArrayList<>();
        List<Integer> resolutions = settings.resolutionsBelow(image.getDataset(), nativeImage.shortSide());
        // Every resolution in one pass over the decoded image.
        Raster[] lowResImages = Degradations.lowResolutions(nativeImage, resolutions);
        for (int i = 0; i < lowResImages.length; i++) {
            variantCheck.accept(lowResImages[i]);
            variants.add(variant(
                    record,
                    image,
                    nativeImage,
                    resolutions.get(i),
                    DegradationMethod.PIL_BICUBIC,
                    ImageCodec.toRawImage(lowResImages[i])));
        }
        if (settings.emitNative()) {
            variantCheck.accept(nativeImage);
            variants.add(variant(record, image, nativeImage, null, DegradationMethod.NATIVE, image.getImage()));
        }
        degradeTime.record(System.nanoTime() - decoded, TimeUnit.NANOSECONDS);
        for (Record<String, ImageVariant> variant : variants) {
            variant.value().setVariantsOfImage(variants.size());
            context.forward(variant);
        }
        variantCounters
                .computeIfAbsent(
                        image.getDataset(), dataset -> meters.counter(OperationalMetrics.VARIANTS, "dataset", dataset))
                .increment(variants.size());
    }

    private static Record<String, ImageVariant> variant(
            Record<String, ImageRecord> source,
            ImageRecord image,
            Raster nativeImage,
            Integer resolution,
            DegradationMethod method,
            Image pixels) {
        ImageVariant variant = ImageVariant.newBuilder()
                .setImageId(image.getId())
                .setSource(image.getSource())
                .setDataset(image.getDataset())
                .setCaptureTimestamp(image.getCaptureTimestamp())
                .setLabel(image.getLabel())
                .setGroup(image.getGroup())
                .setResolution(resolution)
                .setMethod(method)
                .setNativeWidth(nativeImage.width())
                .setNativeHeight(nativeImage.height())
                .setImage(pixels)
                .build();
        return source.withKey(Keys.variant(image.getId(), resolution)).withValue(variant);
    }
}
