package io.lr0.runtime.stage;

import io.lr0.image.BadImageException;
import io.lr0.runtime.stage.ParkedVariants.Parked;
import io.lr0.schema.ImageVariant;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model stage over variants, micro-batched and crash-safe: each variant is prepared on arrival (a bad one throws
 * there and is dead-lettered with its own source record), parked in a changelogged store, and processed in a batch
 * when {@code batchSize} are parked or {@code maxWait} has passed. Under exactly-once the store's changelog, the
 * results and the input offsets commit together, so a crash between arrival and result loses nothing and repeats
 * nothing: the restored store still holds the parked variants.
 * <p>
 * When a partial batch runs adapts to the load, checked every quarter of {@code maxWait} (at most every
 * {@value #MAX_TICK_MS} ms): at once when a whole tick passed without a new variant, or when, at the recent arrival
 * rate, the batch could not fill within {@code maxWait} anyway (waiting would only add latency), and otherwise once
 * its oldest variant has waited {@code maxWait}. The quiet tick matters under exactly-once: the stage upstream
 * commits every {@code commit.interval.ms}, so variants become readable in bursts, and after a burst the next
 * variants are a commit interval away. Under load arrivals do not pause and fill the batches; below it variants
 * do not wait for company that is not coming.
 * <p>
 * Running early is only for a pipeline that keeps up: once variants arrive over {@link #BEHIND} after their capture,
 * there is a backlog upstream, and small early batches would cost the throughput it needs to catch up; behind, a
 * partial batch waits the whole {@code maxWait}. (A clock-driven batch does not ask for an extra commit either:
 * tried, it doubled the commits at the defaults and, with a 20 ms wait, made 116 a second out of tiny batches.)
 *
 * @param <P> what a variant is prepared into on arrival
 * @param <V> the result forwarded for each variant
 */
public abstract class MicroBatchProcessor<P, V> implements Processor<String, ImageVariant, String, V> {
    private static final Logger log = LoggerFactory.getLogger(MicroBatchProcessor.class);
    /** Longest time between two checks of the parked variants. */
    public static final long MAX_TICK_MS = 10;
    /** Capture-to-arrival delay beyond which the pipeline is behind (a backlog upstream), not keeping up. */
    public static final Duration BEHIND = Duration.ofSeconds(1);

    private final String storeName;
    private final int batchSize;
    private final Duration maxWait;
    private ProcessorContext<String, V> context;
    /** When the record or tick being handled began ({@link System#nanoTime}). */
    private long enteredNanos;

    private ParkedVariants<P> parked;
    /** Wall-clock time the oldest variant now parked arrived (or was restored, or last left waiting). */
    private long oldestParkedAt;
    /** When the last tick ran, the variants arrived since, and the recent arrival rate (per ms), smoothed. */
    private long lastTickAt;

    private int arrivedSinceTick;
    private double arrivalsPerMs;
    /** How long after its capture the latest variant arrived: the backlog upstream, in time. */
    private long arrivalDelayMs;

    protected MicroBatchProcessor(String storeName, int batchSize, Duration maxWait) {
        this.storeName = storeName;
        this.batchSize = batchSize;
        this.maxWait = maxWait;
    }

    @Override
    public final void init(ProcessorContext<String, V> context) {
        this.context = context;
        this.parked = new ParkedVariants<>(context.getStateStore(storeName));
        open(context);
        int restored = parked.restore(this::prepare);
        if (restored > 0) {
            log.info(
                    "Task {}: {} variants parked in '{}' before a restart will be processed",
                    context.taskId(),
                    restored,
                    storeName);
        }
        oldestParkedAt = context.currentSystemTimeMs();
        lastTickAt = oldestParkedAt;
        long tick = Math.max(1, Math.min(MAX_TICK_MS, maxWait.toMillis() / 4));
        context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    private void onTick(long now) {
        enteredNanos = System.nanoTime();
        long elapsed = Math.max(1, now - lastTickAt);
        lastTickAt = now;
        // Smoothed over about one maxWait, so one busy or idle tick does not swing the rate.
        arrivalsPerMs += Math.min(1.0, (double) elapsed / maxWait.toMillis())
                * ((double) arrivedSinceTick / elapsed - arrivalsPerMs);
        boolean quiet = arrivedSinceTick == 0;
        arrivedSinceTick = 0;
        long waited = now - oldestParkedAt;
        boolean early = arrivalDelayMs < BEHIND.toMillis()
                && (quiet || waited + (batchSize - parked.size()) / arrivalsPerMs > maxWait.toMillis());
        if (parked.size() > 0 && (waited >= maxWait.toMillis() || early)) {
            runBatches(false);
            // What is still parked (its label space unknown) is tried again at a later tick.
            oldestParkedAt = now;
        }
    }

    @Override
    public final void process(Record<String, ImageVariant> record) {
        enteredNanos = System.nanoTime();
        ImageVariant variant = record.value();
        if (variant == null) {
            throw new BadImageException(
                    BadImageException.Reason.EMPTY_RECORD,
                    "variant record with key '" + record.key() + "' has no value");
        }
        P prepared = prepare(variant);
        long now = context.currentSystemTimeMs();
        arrivalDelayMs = now - variant.getCaptureTimestamp().toEpochMilli();
        if (parked.size() == 0) {
            oldestParkedAt = now;
        }
        parked.park(resultKey(variant), variant, prepared);
        arrivedSinceTick++;
        if (parked.size() >= batchSize) {
            runBatches(true);
        }
    }

    /** Takes what the stage needs from the context (stores, a predictor); called before the restore. */
    protected abstract void open(ProcessorContext<String, V> context);

    /** Decodes and checks a variant on arrival; throws for a bad one. */
    protected abstract P prepare(ImageVariant variant);

    /** The key of the variant's result, also its key while parked. */
    protected abstract String resultKey(ImageVariant variant);

    /** Processes the parked variants in batches (with {@code onlyFull}, only full ones), forwarding with {@link #emit}. */
    protected abstract void runBatches(boolean onlyFull);

    protected final ParkedVariants<P> parked() {
        return parked;
    }

    protected final int batchSize() {
        return batchSize;
    }

    /**
     * The stream's wall-clock time ({@link StreamClock}) as of now: Kafka Streams gives the time at which this record
     * or tick began, so the time spent on it since (a forward pass) is added.
     */
    protected final Instant now() {
        return StreamClock.now(context).plusNanos(System.nanoTime() - enteredNanos);
    }

    /** Forwards a parked variant's result, stamped with its capture time, and forgets the variant. */
    protected final void emit(Parked<P> variant, V result) {
        context.forward(new Record<>(
                variant.key(), result, variant.variant().getCaptureTimestamp().toEpochMilli()));
        parked.release(variant.key());
    }
}
