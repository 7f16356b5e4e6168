package io.lr0.superres;

import io.lr0.app.OperationalMetrics;
import io.lr0.batching.ParkedVariants;
import io.lr0.batching.ParkedVariants.Parked;
import io.lr0.degrade.VariantKeys;
import io.lr0.image.BadImageException;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.schema.ImageVariant;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batched learned super-resolution: each low-resolution variant is decoded and its target checked on arrival
 * (a bad request throws and is dead-lettered with its own record), parked in a changelogged store, and up-sampled in
 * a batch of variants of the same size, exactly as inference batches; the result is the same variant with the
 * up-sampled image and its method, keyed {@code <variant key>/<method>}.
 */
final class SuperResolutionProcessor implements Processor<String, ImageVariant, String, ImageVariant> {
    private static final Logger log = LoggerFactory.getLogger(SuperResolutionProcessor.class);

    private final Supplier<Upscaler> upscalers;
    private final ImageLimits limits;
    private final int targetShortSide;
    private final double maxScale;
    private final int batchSize;
    private final Duration maxWait;
    private final Timer upscaleTime;
    private ProcessorContext<String, ImageVariant> context;
    private ParkedVariants<LowRes> parked;
    private Upscaler upscaler;

    SuperResolutionProcessor(Supplier<Upscaler> upscalers, ImageLimits limits, int targetShortSide, double maxScale,
                             int batchSize, Duration maxWait) {
        this.upscalers = upscalers;
        this.limits = limits;
        this.targetShortSide = targetShortSide;
        this.maxScale = maxScale;
        this.batchSize = batchSize;
        this.maxWait = maxWait;
        this.upscaleTime = OperationalMetrics.stageTimer("upscale");
    }

    /** A parked variant's decoded image and where it goes. */
    private record LowRes(Raster image, UpscaleTarget target) {
        /** Variants that can share a forward pass: same input and output size. */
        String shape() {
            return image.width() + "x" + image.height() + "->" + target.width() + "x" + target.height();
        }
    }

    @Override
    public void init(ProcessorContext<String, ImageVariant> context) {
        this.context = context;
        this.parked = new ParkedVariants<>(context.getStateStore(SuperResolutionStage.PARKED_STORE));
        this.upscaler = upscalers.get();
        int restored = parked.restore(this::prepare);
        if (restored > 0) {
            log.info("Task {}: {} variants parked before a restart will be up-sampled", context.taskId(), restored);
        }
        context.schedule(maxWait, PunctuationType.WALL_CLOCK_TIME, now -> runBatches(false));
    }

    @Override
    public void process(Record<String, ImageVariant> record) {
        ImageVariant variant = record.value();
        if (variant == null) {
            throw new BadImageException(BadImageException.Reason.EMPTY_RECORD,
                    "variant record with key '" + record.key() + "' has no value");
        }
        LowRes lowRes = prepare(variant);
        parked.park(SuperResolution.key(VariantKeys.of(variant.getImageId(), variant.getResolution()),
                upscaler.method()), variant, lowRes);
        if (parked.size() >= batchSize) {
            runBatches(true);
        }
    }

    private LowRes prepare(ImageVariant variant) {
        Raster image = ImageCodec.decode(variant.getImage(), limits);
        return new LowRes(image, UpscaleTarget.forShortSide(image, targetShortSide, maxScale));
    }

    private void runBatches(boolean onlyFull) {
        for (List<Parked<LowRes>> batch : parked.batches(batchSize, any -> true, one -> one.prepared().shape(),
                onlyFull)) {
            List<Raster> images = new ArrayList<>(batch.size());
            batch.forEach(one -> images.add(one.prepared().image()));
            UpscaleTarget target = batch.get(0).prepared().target();
            long start = System.nanoTime();
            List<Raster> upscaled = upscaler.upscale(images, target.width(), target.height());
            upscaleTime.record((System.nanoTime() - start) / batch.size(), TimeUnit.NANOSECONDS);
            for (int i = 0; i < batch.size(); i++) {
                Parked<LowRes> one = batch.get(i);
                ImageVariant result = ImageVariant.newBuilder(one.variant())
                        .setImage(ImageCodec.toRawImage(upscaled.get(i)))
                        .setSrMethod(upscaler.method())
                        .build();
                context.forward(new Record<>(one.key(), result, one.variant().getCaptureTimestamp().toEpochMilli()));
                parked.release(one.key());
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
