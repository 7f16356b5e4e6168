package io.lr0.producers;

import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/** Streams a dataset's images to the images topic at a given rate, counting what was acknowledged. */
public final class DatasetProducer {
    /** What a run did: images acknowledged by the broker, and the first failures (none expected). */
    public record Result(long sent, long failed, String firstFailure) {}

    /** Holds the producer back before each image: a consumer of the results can keep it within what it follows. */
    @FunctionalInterface
    public interface Gate {
        /** No holding back. */
        Gate OPEN = sent -> {};

        /** Returns once the next image may be sent; {@code sent}: how many this run has sent so far. */
        void awaitRoom(long sent);
    }

    private DatasetProducer() {}

    /**
     * Publishes the label space, then up to {@code limit} images ({@code <= 0}: all) at {@code ratePerSecond}
     * ({@code <= 0}: as fast as the broker takes them). Waits until every send is acknowledged or failed.
     */
    public static Result run(
            DatasetSource dataset,
            ImagePublisher publisher,
            String source,
            long limit,
            double ratePerSecond,
            ProgressBar progress) {
        return run(dataset, publisher, source, limit, ratePerSecond, progress, Gate.OPEN);
    }

    /** As above, at most at {@code ratePerSecond}, and each image only once {@code gate} lets it through. */
    public static Result run(
            DatasetSource dataset,
            ImagePublisher publisher,
            String source,
            long limit,
            double ratePerSecond,
            ProgressBar progress,
            Gate gate) {
        publisher.publishDataset(dataset.labelSpace());
        long total = limit > 0 ? Math.min(limit, dataset.size()) : dataset.size();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        Iterator<LabeledImage> images = dataset.images();
        for (long i = 0; i < total && images.hasNext(); i++) {
            long held = System.nanoTime();
            gate.awaitRoom(i);
            // Time held by the gate moves the schedule: no burst at the rate's catch-up pace afterwards.
            start += System.nanoTime() - held;
            if (ratePerSecond > 0) {
                pace(start + (long) (i * 1e9 / ratePerSecond));
            }
            LabeledImage image = images.next();
            publisher.send(image, source, dataset.labelSpace().id(), Instant.now(), (metadata, error) -> {
                if (error == null) {
                    acknowledged.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    failures.add(image.id() + ": " + error.getMessage());
                }
            });
            if (progress != null) {
                progress.update(acknowledged.get());
            }
        }
        publisher.flush();
        if (progress != null) {
            progress.finish(acknowledged.get());
        }
        return new Result(acknowledged.get(), failed.get(), failures.peek());
    }

    private static void pace(long dueNanos) {
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
