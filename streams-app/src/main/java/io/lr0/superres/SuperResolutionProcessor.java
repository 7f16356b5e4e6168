package io.lr0.superres;

import io.lr0.contract.Keys;
import io.lr0.contract.StoreNames;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.MicroBatchProcessor;
import io.lr0.runtime.stage.ParkedVariants.Parked;
import io.lr0.schema.ImageVariant;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Micro-batched learned super-resolution ({@link MicroBatchProcessor}): each low-resolution variant is decoded and
 * its target checked on arrival (a bad request throws and is dead-lettered with its own record), parked, and
 * up-sampled in a batch of variants of the same size; the result is the same variant with the up-sampled image and
 * its method, keyed {@code <variant key>/<method>}.
 */
final class SuperResolutionProcessor extends MicroBatchProcessor<SuperResolutionProcessor.LowRes, ImageVariant> {
    private final Supplier<Upscaler> upscalers;
    private final ImageLimits limits;
    private final int targetShortSide;
    private final double maxScale;
    private final Timer upscaleTime;
    private Upscaler upscaler;

    SuperResolutionProcessor(
            Supplier<Upscaler> upscalers,
            SuperResolutionSettings settings,
            int targetShortSide,
            OperationalMetrics meters) {
        super(StoreNames.SUPERRES_PARKED, settings.batchSize(), settings.batchMaxWait());
        this.upscaleTime = meters.stageTimer("upscale");
        this.upscalers = upscalers;
        this.limits = settings.limits();
        this.targetShortSide = targetShortSide;
        this.maxScale = settings.maxScale();
    }

    /** A parked variant's decoded image and where it goes. */
    record LowRes(Raster image, UpscaleTarget target) {
        /** Variants that can share a forward pass: same input and output size. */
        String shape() {
            return image.width() + "x" + image.height() + "->" + target.width() + "x" + target.height();
        }
    }

    @Override
    protected void open(ProcessorContext<String, ImageVariant> context) {
        this.upscaler = upscalers.get();
    }

    @Override
    protected String resultKey(ImageVariant variant) {
        return Keys.withMethod(Keys.variant(variant.getImageId(), variant.getResolution()), upscaler.method());
    }

    @Override
    protected LowRes prepare(ImageVariant variant) {
        Raster image = ImageCodec.decode(variant.getImage(), limits);
        return new LowRes(image, UpscaleTarget.forShortSide(image, targetShortSide, maxScale));
    }

    @Override
    protected void runBatches(boolean onlyFull) {
        for (List<Parked<LowRes>> batch :
                parked().batches(batchSize(), any -> true, one -> one.prepared().shape(), onlyFull)) {
            List<Raster> images = new ArrayList<>(batch.size());
            batch.forEach(one -> images.add(one.prepared().image()));
            UpscaleTarget target = batch.get(0).prepared().target();
            long start = System.nanoTime();
            List<Raster> upscaled = upscaler.upscale(images, target.width(), target.height());
            upscaleTime.record((System.nanoTime() - start) / batch.size(), TimeUnit.NANOSECONDS);
            for (int i = 0; i < batch.size(); i++) {
                emit(
                        batch.get(i),
                        ImageVariant.newBuilder(batch.get(i).variant())
                                .setImage(ImageCodec.toRawImage(upscaled.get(i)))
                                .setSrMethod(upscaler.method())
                                .build());
            }
        }
    }

    @Override
    public void close() {
        if (upscaler != null) {
            upscaler.close();
        }
    }
}
