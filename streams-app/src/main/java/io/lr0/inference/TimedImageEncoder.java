package io.lr0.inference;

import io.lr0.runtime.meters.OperationalMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An image encoder with its meters: the wall time of each forward pass, the calling thread's CPU time meanwhile
 * (with one intra-op thread on a CPU, the model's own), and the batch sizes. The last pass's wall time is what
 * predictions carry.
 */
final class TimedImageEncoder implements ImageEncoder {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final ImageEncoder encoder;
    private final Timer wallTime;
    private final Timer cpuTime;
    private final DistributionSummary batchSizes;
    private long lastNanos;

    TimedImageEncoder(ImageEncoder encoder, OperationalMetrics meters) {
        this.encoder = encoder;
        this.wallTime = meters.timer(OperationalMetrics.MODEL_TIME);
        this.cpuTime = meters.timer(OperationalMetrics.MODEL_CPU_TIME);
        this.batchSizes = meters.summary(OperationalMetrics.BATCH_SIZE);
    }

    @Override
    public boolean takesPlanes() {
        return encoder.takesPlanes();
    }

    @Override
    public float[][] encode(float[] pixels, int count) {
        return timed(count, () -> encoder.encode(pixels, count));
    }

    @Override
    public float[][] encode(byte[] planes, int count) {
        return timed(count, () -> encoder.encode(planes, count));
    }

    /** Wall time of the last forward pass, in nanoseconds. */
    long lastNanos() {
        return lastNanos;
    }

    private float[][] timed(int count, Supplier<float[][]> pass) {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        float[][] features = pass.get();
        lastNanos = System.nanoTime() - start;
        // -1 where the JVM cannot measure a thread's CPU time.
        if (cpuStart >= 0) {
            cpuTime.record(THREADS.getCurrentThreadCpuTime() - cpuStart, TimeUnit.NANOSECONDS);
        }
        wallTime.record(lastNanos, TimeUnit.NANOSECONDS);
        batchSizes.record(count);
        return features;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
