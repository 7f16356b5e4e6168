package io.lr0.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.cli.ConfigOptions;
import io.lr0.djl.Djl;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.Raster;
import io.lr0.inference.Models;
import io.lr0.inference.ZeroShotModel;
import io.lr0.local.LocalStack;
import io.lr0.local.ScratchDirectory;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabelSpace;
import io.lr0.producers.LabeledImage;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.Prediction;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lr0 bench pipeline}: the whole pipeline on a fresh embedded stack per run. Each run first streams warm-up
 * images for a while (JIT compilation, label-space encoding and topic creation are not the pipeline's steady state),
 * then the measured images; figures come from the measured images only. Every ratio is of two runs in this one
 * process.
 */
@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = "The whole pipeline on the embedded broker: after a warm-up, produce N images (Fashion-MNIST's, "
                + "or --images-from a folder of photos), follow them to predictions, print throughput, "
                + "capture-to-prediction latency percentiles, per-stage time, CPU by thread, heap and process RSS, "
                + "and last the ratio of pipeline throughput to the raw batched model throughput on the same images. "
                + "Lists of batch sizes or instance counts run one configuration each.")
final class PipelineBench implements Callable<Integer> {
    private static final String WARMUP_PREFIX = "warmup-";
    /** {@code --free-model}'s model, under the bench jar's {@code /models/} (tools/bench/free_model.py). */
    private static final String FREE_MODEL = "lr0-free-224";

    private static final int MAX_WARMUP_ROUNDS = 6;
    private static final int QUIET_JIT_PERCENT = 2;
    /**
     * Seconds of the raw model's work the producer keeps in flight at full speed, in the warm-up and the measured
     * phase, and at least {@value #BATCHES_IN_FLIGHT} batches per stream thread: enough that no thread runs out of
     * work while images land on partitions by their key's hash (2 s and 2 batches left a stream thread idle 13 %
     * of the time at batch 1), short enough to leave no backlog to drain.
     */
    private static final double SECONDS_IN_FLIGHT = 5;

    private static final int BATCHES_IN_FLIGHT = 2;
    /** The longest wait for the applications to catch up after the warm-up before measuring anyway. */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** Each run's figures by its name ("batch 8, 1 instance", "..., at half of that throughput"), as printed. */
    final Map<String, Run> runs = new LinkedHashMap<>();

    /** The name of the model the runs classified with. */
    String modelName;

    @Mixin
    ConfigOptions config;

    @Mixin
    SampleOptions source;

    @Option(
            names = "--images",
            description = "Measured images per run (default: as many as take --seconds: at the offered rate, or at"
                    + " the raw model's speed when as fast as possible).")
    Integer images;

    @Option(
            names = "--seconds",
            defaultValue = "60",
            description = "How long the measured phase of a run should take when --images is not given "
                    + "(default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "30",
            description = "Length of each warm-up round before a measured run (default: ${DEFAULT-VALUE}); rounds "
                    + "repeat until the JIT compiler is quiet (under 2 %% of the CPU), at most 6: it compiles the "
                    + "embedded broker's code too. The warm-up keeps about 5 s of the model's work in flight, so it "
                    + "leaves no backlog behind, however slow the model.")
    double warmupSeconds;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Images per second offered: a number, 0 (as fast "
                    + "as possible), or 'half': a full-speed run, then one at half the throughput it measured.")
    String rate;

    @Option(
            names = "--batch",
            defaultValue = "32",
            split = ",",
            description = "inference.batch.size, one run each "
                    + "(default: ${DEFAULT-VALUE}); the raw model is timed at the same sizes.")
    List<Integer> batches;

    @Option(
            names = "--instances",
            defaultValue = "1",
            split = ",",
            description = "App instances sharing one " + "application id, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> instanceCounts;

    @Option(
            names = "--free-model",
            description = "Classify with a model whose forward passes cost next to nothing (CLIP's 224-px input and "
                    + "77-token context; tools/bench/free_model.py), so the pipeline's own CPU per image is measured "
                    + "at full speed; its predictions mean nothing.")
    boolean freeModel;

    @Option(
            names = "--split-roles",
            description =
                    "Each instance as two applications, as in docs/architecture.md: "
                            + "degradation and metrics in one, the model alone in another (its own application id and stream threads).")
    boolean splitRoles;

    @Option(
            names = "--minutes",
            defaultValue = "0",
            description = "Soak: produce at --rate for this long instead "
                    + "of --images, printing heap after GC each minute.")
    double minutes;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Measured rounds per configuration, each on a fresh stack after its warm-up; the headline "
                    + "figures are their medians, with the spread (default: ${DEFAULT-VALUE}; a --minutes soak runs "
                    + "once).")
    int rounds;

    @Option(
            names = "--raw-seconds",
            defaultValue = "3",
            description = "Length of each raw model timing, at least two batches " + "(default: ${DEFAULT-VALUE}).")
    double rawSeconds;

    @Option(
            names = "--resolutions",
            description = "Short sides the images are degraded to (default: the dataset's degrade.resolutions: "
                    + "7,10,14,21 for Fashion-MNIST, 16,32,64,128 for a folder).")
    String resolutions;

    /** The images a run cycles through, their label space, and how many variants each yields. */
    private record Sample(LabelSpace labels, List<LabeledImage> images, int[] variantsPerImage) {
        double meanVariants() {
            return IntStream.of(variantsPerImage).average().orElse(1);
        }

        /** {@code count} images cycling through the sample, with ids made unique by {@code prefix}. */
        CyclingDataset cycle(String prefix, long count, BooleanSupplier more) {
            return new CyclingDataset(this, prefix, count, more);
        }
    }

    @Override
    public Integer call() throws Exception {
        boolean half = "half".equals(rate);
        double offered;
        try {
            offered = half ? 0 : Double.parseDouble(rate);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rate must be images per second, 0 or 'half', was '" + rate + "'");
        }
        if (batches.stream().anyMatch(batch -> batch < 1)
                || instanceCounts.stream().anyMatch(count -> count < 1)) {
            throw new IllegalArgumentException(
                    "--batch and --instances take positive numbers, were " + batches + " and " + instanceCounts);
        }
        if ((images != null && images < 1) || seconds <= 0 || warmupSeconds < 0 || rawSeconds <= 0) {
            throw new IllegalArgumentException("--images must be at least 1, --seconds and --raw-seconds positive and "
                    + "--warmup-seconds at least 0, were " + images + ", " + seconds + ", " + rawSeconds + " and "
                    + warmupSeconds);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
        }
        if (minutes > 0 && offered <= 0) {
            throw new IllegalArgumentException("--minutes needs a --rate in images per second");
        }
        Lr0Config base = config.load(baseSettings(Files.createTempDirectory("lr0-bench")));
        Sample sample = sample(base);
        String measured = minutes > 0
                ? String.format("%.0f images/s for %.1f minutes", offered, minutes)
                : images != null
                        ? images + " measured images"
                        : String.format("about %.0f s of measured images", seconds);
        System.out.printf(
                "lr0 bench pipeline: %s cycling through %s (%.1f variants each: %s px and native), after warm-up "
                        + "rounds of %.0f s, %d cores, %s%n",
                measured,
                source.describe(sample.images()),
                sample.meanVariants(),
                base.degradeSettings().resolutionsFor(sample.labels().id()),
                warmupSeconds,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"));
        try (ZeroShotModel model = Lr0App.loadModel(base)) {
            modelName = model.spec().name();
            System.out.printf(
                    "model %s on %s, input %d px; %s%n",
                    model.spec().name(), model.device(), model.spec().inputSize(), ProcessMemory.describe());
            float[][] inputs = BenchCommand.preprocess(model, sample.images());
            for (int batch : batches) {
                for (int instances : instanceCounts) {
                    String name = "batch " + batch + ", " + instances + " instance" + (instances > 1 ? "s" : "");
                    List<Run> measuredRounds = new ArrayList<>();
                    // A soak is one long round.
                    int measuredCount = minutes > 0 ? 1 : rounds;
                    for (int round = 1; round <= measuredCount; round++) {
                        Run one = timedAgainstRaw(model, inputs, sample, batch, instances, offered);
                        one.print(measuredCount > 1 ? name + ", round " + round + " of " + measuredCount : name, batch);
                        measuredRounds.add(one);
                    }
                    Run run = Rounds.median(measuredRounds);
                    runs.put(name, run);
                    if (measuredCount > 1) {
                        System.out.printf("== %s: %s%n", name, Rounds.describe(measuredRounds));
                    }
                    if (half) {
                        String halfName = name + ", at half of that throughput";
                        Run halfRate =
                                timedAgainstRaw(model, inputs, sample, batch, instances, run.imagesPerSecond / 2);
                        runs.put(halfName, halfRate);
                        halfRate.print(halfName, batch);
                    }
                }
            }
        }
        printRatios();
        return 0;
    }

    /** The source's distinct images, and the variants each yields under {@code lr0}'s degradation settings. */
    private Sample sample(Lr0Config lr0) throws Exception {
        List<LabeledImage> distinct = source.distinct(SampleOptions.DISTINCT_IMAGES);
        LabelSpace labels = source.open().labelSpace();
        int[] variants = new int[distinct.size()];
        for (int i = 0; i < variants.length; i++) {
            Raster image = ImageCodec.decode(distinct.get(i).image(), ImageLimits.DEFAULT);
            variants[i] = lr0.degradeSettings().variantsOf(labels.id(), image.shortSide());
        }
        return new Sample(labels, distinct, variants);
    }

    /**
     * A run with the raw model timed right before and right after it at the same batch size, from one thread and
     * from as many threads as the app has stream threads (a predictor each); the fastest of these timings is the
     * run's reference, so neither a slow moment of the machine nor a thread count can flatter the ratio.
     */
    private Run timedAgainstRaw(
            ZeroShotModel model, float[][] inputs, Sample sample, int batch, int instances, double offered)
            throws Exception {
        int streamThreads = config.load(Map.of()).getInt(Lr0Config.NUM_STREAM_THREADS);
        List<ZeroShotModel> callers = Collections.nCopies(streamThreads, model);
        double[] before = {
            BenchCommand.raw(model, inputs, batch, rawSeconds),
            BenchCommand.concurrent(callers, inputs, batch, rawSeconds)
        };
        double rawBefore = Math.max(before[0], before[1]);
        // The measured images: a soak's, the user's count, or as many as take --seconds.
        long measured = minutes > 0
                ? (long) (offered * minutes * 60)
                : images != null
                        ? images
                        : Math.max(
                                batch,
                                Math.round(
                                        offered > 0 ? offered * seconds : rawBefore * seconds / sample.meanVariants()));
        Run run = run(sample, batch, instances, offered, measured, rawBefore);
        double[] after = {
            BenchCommand.raw(model, inputs, batch, rawSeconds),
            BenchCommand.concurrent(callers, inputs, batch, rawSeconds)
        };
        run.rawTimings = String.format(
                "1 thread %.1f, %d threads %.1f images/s before the run; %.1f and %.1f after",
                before[0], streamThreads, before[1], after[0], after[1]);
        run.raw = Math.max(rawBefore, Math.max(after[0], after[1]));
        return run;
    }

    private Map<String, String> baseSettings(Path work) throws Exception {
        Map<String, String> settings = new HashMap<>(
                Map.of(Lr0Config.STATE_DIR, work.resolve("streams").toString(), Lr0Config.DASHBOARD_PORT, "0"));
        if (freeModel) {
            // The free model is bundled in the bench's jar as the demo models are in the app's; its tokenizer is the
            // demo model's (CLIP's).
            Path models = work.resolve("models");
            settings.put(
                    Lr0Config.INFERENCE_MODEL,
                    Djl.extractBundled(models, FREE_MODEL, List.of("model.pt", "model.json"))
                            .toString());
            settings.put(
                    Lr0Config.INFERENCE_TOKENIZER,
                    Djl.extractBundled(models, Models.BUNDLED_NAME, List.of("tokenizer.json"))
                            .resolve("tokenizer.json")
                            .toString());
        }
        if (resolutions != null) {
            settings.put(
                    Lr0Config.DATASET_RESOLUTIONS_PREFIX
                            + source.open().labelSpace().id(),
                    resolutions);
        }
        return settings;
    }

    /** The ratios the performance targets are stated in, each of two figures of this process; the ratio to raw last. */
    private void printRatios() {
        Run single = runs.get("batch 1, 1 instance");
        for (int batch : batches) {
            Run batched = runs.get("batch " + batch + ", 1 instance");
            if (single != null && batch > 1 && batched != null) {
                System.out.printf(
                        "micro-batching: batch %d / batch 1 throughput: %.2fx%n",
                        batch, batched.variantsPerSecond / single.variantsPerSecond);
            }
        }
        for (int batch : batches) {
            Run one = runs.get("batch " + batch + ", 1 instance");
            for (int instances : instanceCounts) {
                Run many = runs.get("batch " + batch + ", " + instances + " instances");
                if (one != null && many != null) {
                    System.out.printf(
                            "scale-out at batch %d: %d instances %.1f variants/s combined, 1 instance "
                                    + "%.1f: %.2fx%n",
                            batch,
                            instances,
                            many.variantsPerSecond,
                            one.variantsPerSecond,
                            many.variantsPerSecond / one.variantsPerSecond);
                }
            }
        }
        for (int batch : batches) {
            Run one = runs.get("batch " + batch + ", 1 instance");
            if (one != null) {
                System.out.printf(
                        "ratio pipeline variants/s / raw model images/s at batch %d: %.3f%n",
                        batch, one.variantsPerSecond / one.raw);
            }
        }
    }

    /**
     * Waits until the applications have processed and committed all the warm-up left behind (the metrics, which
     * trail the predictions, most of it), so the measured phase starts from an idle pipeline, not from a backlog;
     * says what it waited for.
     */
    private static String awaitIdle(Lr0Config lr0, Set<String> applicationIds) throws Exception {
        long start = System.nanoTime();
        try (Admin admin = Admin.create(lr0.kafkaClientConfig())) {
            long backlog = GroupLag.offsetsBehind(admin, applicationIds);
            long behind = backlog;
            while (behind > 0 && System.nanoTime() - start < IDLE_TIMEOUT.toNanos()) {
                Thread.sleep(100);
                behind = GroupLag.offsetsBehind(admin, applicationIds);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return behind > 0
                    ? String.format(
                            "started %d offsets behind: the warm-up's backlog (%d) did not drain in %.0f s",
                            behind, backlog, seconds)
                    : String.format(
                            "started idle: the warm-up's backlog of %d offsets drained in %.1f s", backlog, seconds);
        }
    }

    /**
     * One configuration on a fresh stack: warm-up, then {@code measured} images (or the soak). {@code rawPerSecond},
     * the raw model's speed, sizes what the warm-up keeps in flight.
     */
    private Run run(Sample sample, int batch, int instances, double offered, long measured, double rawPerSecond)
            throws Exception {
        try (ScratchDirectory scratch = ScratchDirectory.create("lr0-bench-pipeline");
                LocalStack stack = LocalStack.start(scratch.path(), 0, 0, 0)) {
            Path work = scratch.path();
            List<Lr0App> apps = new ArrayList<>();
            Set<String> applicationIds = new TreeSet<>();
            try {
                Lr0Config lr0 = null;
                for (int i = 0; i < instances; i++) {
                    Map<String, String> settings = baseSettings(work.resolve("instance-" + i));
                    settings.put(Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers());
                    settings.put(Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl());
                    settings.put(Lr0Config.INFERENCE_BATCH_SIZE, String.valueOf(batch));
                    lr0 = config.load(settings);
                    String applicationId = lr0.getString(Lr0Config.APPLICATION_ID);
                    applicationIds.add(applicationId);
                    if (splitRoles) {
                        apps.add(Lr0App.start(role(lr0, Map.of(Lr0Config.INFERENCE_ENABLED, "false"))));
                        apps.add(Lr0App.start(role(
                                lr0,
                                Map.of(
                                        Lr0Config.DEGRADE_ENABLED,
                                        "false",
                                        Lr0Config.METRICS_ENABLED,
                                        "false",
                                        Lr0Config.APPLICATION_ID,
                                        applicationId + "-model"))));
                        applicationIds.add(applicationId + "-model");
                    } else {
                        apps.add(Lr0App.start(lr0));
                    }
                }
                int streamThreads = lr0.getInt(Lr0Config.NUM_STREAM_THREADS);
                // At most a tenth of the measured images, so the window the pipeline is kept full covers most of
                // the run even where the model is far faster than the pipeline (--free-model, a small --images).
                long inFlight = Math.max(
                        (long) BATCHES_IN_FLIGHT * batch * streamThreads * instances,
                        Math.min(Math.round(SECONDS_IN_FLIGHT * rawPerSecond), measured / 10));
                try (PredictionFollower follower = PredictionFollower.start(lr0);
                        ImagePublisher publisher = new ImagePublisher(
                                lr0.kafkaClientConfig(),
                                lr0.serdeConfig(),
                                lr0.topics().images(),
                                lr0.topics().datasets())) {
                    warmUp(sample, publisher, follower, inFlight);
                    String idle = awaitIdle(lr0, applicationIds);
                    // Progress on stderr, so a profiler can be attached to the measured phase only.
                    System.err.println("measuring");
                    StageTimes before = StageTimes.now(apps);
                    try (ResourceSampler resources = ResourceSampler.start()) {
                        // After the sampler, so the soak's full GCs are counted among the pauses it reports.
                        HeapWatch heap = minutes > 0 ? HeapWatch.everyMinute() : null;
                        ThreadCpu cpu = ThreadCpu.snapshot();
                        long start = System.nanoTime();
                        CyclingDataset images = sample.cycle("", measured, () -> true);
                        // As fast as possible is as fast as the pipeline goes: the producer keeps it full, not
                        // flooded, so the latencies are those of a saturated pipeline, not of a burst's queue.
                        DatasetProducer.run(
                                images,
                                publisher,
                                "bench",
                                0,
                                offered,
                                null,
                                offered > 0
                                        ? DatasetProducer.Gate.OPEN
                                        : sent -> follower.awaitMeasured(images.variantsEmitted() - inFlight));
                        if (offered <= 0) {
                            follower.lastSentAt(System.currentTimeMillis());
                        }
                        follower.awaitMeasured(images.variantsEmitted());
                        Run run = follower.result(measured, (System.nanoTime() - start) / 1e9, offered);
                        ThreadCpu.Shares cpuShares = cpu.since();
                        StageTimes stages = StageTimes.now(apps);
                        run.cpu = cpuShares.describe(stages.modelCpuSeconds(before));
                        run.outsideModel =
                                cpuShares.outsideModel(stages.modelCpuSeconds(before), run.images, run.variants);
                        run.outsideMsPerImage = cpuShares.outsideModelMs(stages.modelCpuSeconds(before), run.images);
                        run.peakHeapMb = resources.peakHeapBytes() >> 20;
                        run.peakRssMb = resources.peakRssMb();
                        run.rssMb = ProcessMemory.rssMb();
                        run.pauses = resources.pauses();
                        run.idle = idle;
                        run.stages = stages.minus(before);
                        run.partitions = partitionsPerInstance(
                                apps,
                                !splitRoles && lr0.inferenceChained()
                                        ? lr0.topics().images()
                                        : lr0.topics().variants());
                        if (heap != null) {
                            run.heapAfterGc = heap.stop();
                        }
                        return run;
                    }
                }
            } finally {
                apps.forEach(Lr0App::close);
            }
        }
    }

    /**
     * The configuration of one role of a split instance: the instance's, with the role's settings on top of
     * everything (a {@code --set application.id} must not put both roles in one application).
     */
    private static Lr0Config role(Lr0Config instance, Map<String, String> roleSettings) {
        Map<String, String> settings = new HashMap<>(instance.originalsStrings());
        settings.putAll(roleSettings);
        return Lr0Config.of(settings);
    }

    /**
     * Rounds of {@code --warmup-seconds} until the JIT compiler is quiet (under {@value #QUIET_JIT_PERCENT} % of the
     * CPU during a round), at most {@value #MAX_WARMUP_ROUNDS} rounds: this process also runs the broker, whose code
     * the JIT keeps compiling long after the pipeline's own, and a measurement in that phase shows the JIT, not lr0.
     * Images go in while fewer than {@code inFlight} variants await their prediction: sized by time, the warm-up
     * takes as long with a model a thousand times slower, and leaves no backlog to the measured phase.
     */
    private void warmUp(Sample sample, ImagePublisher publisher, PredictionFollower follower, long inFlight)
            throws Exception {
        long warmupVariants = 0;
        for (int round = 1; warmupSeconds > 0 && round <= MAX_WARMUP_ROUNDS; round++) {
            ThreadCpu cpu = ThreadCpu.snapshot();
            long deadline = System.nanoTime() + (long) (warmupSeconds * 1e9);
            CyclingDataset images =
                    sample.cycle(WARMUP_PREFIX + round + "-", Long.MAX_VALUE, () -> System.nanoTime() - deadline < 0);
            long earlier = warmupVariants;
            DatasetProducer.run(
                    images,
                    publisher,
                    "bench",
                    0,
                    0,
                    null,
                    sent -> follower.awaitWarmup(earlier + images.variantsEmitted() - inFlight));
            warmupVariants += images.variantsEmitted();
            follower.awaitWarmup(warmupVariants);
            double share = cpu.since().of(ThreadCpu.Kind.JIT);
            System.err.printf(
                    "warm-up round %d (%.0f s, %d images): JIT compiler %.0f %% of the CPU%n",
                    round, warmupSeconds, images.emitted(), 100 * share);
            if (!(share * 100 >= QUIET_JIT_PERCENT)) {
                // Quiet, or not measurable here (no /proc): one round is what can be done.
                return;
            }
        }
    }

    /**
     * Which partitions of the topic inference reads (image-variants, or images when chained) each instance
     * processes: Kafka Streams' own assignment.
     */
    private static String partitionsPerInstance(List<Lr0App> apps, String inferenceTopic) {
        List<String> perInstance = new ArrayList<>();
        for (Lr0App app : apps) {
            perInstance.add(String.valueOf(app.activePartitionsOf(inferenceTopic)));
        }
        return "partitions of " + inferenceTopic + " per instance " + String.join(" | ", perInstance);
    }

    /** The measured figures of one run. */
    static final class Run {
        long images;
        long variants;
        double offered;
        double seconds;
        double imagesPerSecond;
        double variantsPerSecond;
        long[] latencyPercentiles;
        /** Capture -> prediction readable by a read_committed consumer: what a user of the topic waits. */
        long[] readableLatencyPercentiles;
        /** Capture -> variant readable: the degradation and its commit (what unchained inference waits for). */
        long[] variantLatencyPercentiles;
        /** Capture -> image readable by the degradation: the producer's part. */
        long[] imageLatencyPercentiles;
        /** Over which predictions the throughput was taken. */
        String throughputWindow;
        /** The process's CPU during the measured phase, by kind of thread. */
        String cpu;
        /** Milliseconds of CPU per image and per variant outside the model's forward passes. */
        String outsideModel;

        /** The first of those figures: the process's CPU per image, less the forward passes. */
        double outsideMsPerImage;

        long peakHeapMb;
        /** The process's resident set (libtorch's memory included): its peak in the measured phase, at its end. */
        long peakRssMb;

        long rssMb;
        /** The collector's stop-the-world pauses during the measured phase. */
        String pauses;

        String stages;
        String partitions;
        /** What the measured phase started from: an idle pipeline, or how far behind the warm-up left it. */
        String idle;

        List<Long> heapAfterGc;
        /** The raw batched model throughput this run is compared with: the fastest timing. */
        double raw;

        String rawTimings;

        void print(String name, int batch) {
            System.out.printf(
                    "== %s, offered %s%n",
                    name, offered > 0 ? String.format("%.0f images/s", offered) : "as fast as possible");
            System.out.printf("  %s%n", idle);
            System.out.printf(
                    "  %d images, %d variants; first produce to last prediction %.1f s%n", images, variants, seconds);
            System.out.printf(
                    "  throughput %.1f images/s, %.1f variants/s (%s)%n",
                    imagesPerSecond, variantsPerSecond, throughputWindow);
            printLatency("  latency capture -> prediction", latencyPercentiles);
            printLatency("    capture -> prediction readable (read_committed)", readableLatencyPercentiles);
            printLatency("    capture -> variant readable (degrade, its commit)", variantLatencyPercentiles);
            printLatency("    capture -> image readable", imageLatencyPercentiles);
            System.out.printf("  CPU of %d cores: %s%n", Runtime.getRuntime().availableProcessors(), cpu);
            System.out.printf("  outside the model: %s%n", outsideModel);
            System.out.printf(
                    "  peak heap %d MB; process RSS %d MB at the end, peak %d MB; %s%n",
                    peakHeapMb, rssMb, peakRssMb, partitions);
            System.out.printf("  %s%n", pauses);
            System.out.printf("  per record: %s%n", stages);
            if (heapAfterGc != null) {
                System.out.printf("  heap after GC each minute (MB): %s%n", heapAfterGc);
            }
            System.out.printf("  raw DJL model at batch %d: %s%n", batch, rawTimings);
            System.out.printf("  pipeline variants/s / fastest raw images/s: %.3f%n", variantsPerSecond / raw);
        }

        private static void printLatency(String what, long[] percentiles) {
            System.out.printf(
                    "%s: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                    what, percentiles[0], percentiles[1], percentiles[2], percentiles[3]);
        }
    }

    /**
     * Reads predictions, variants and images (read_committed) in a thread of its own from the start, counting warm-up
     * and measured ones apart. Besides capture -> prediction it times capture -> variant readable (the part of the
     * latency before inference: degradation and its exactly-once commit) and capture -> image readable (the
     * producer's part), so a run shows where its latency is spent. Keeps latency histograms, not the records, so a
     * long soak does not grow this process's heap.
     */
    private static final class PredictionFollower implements AutoCloseable {
        private final AtomicLong warmupSeen = new AtomicLong();
        private final AtomicLong measuredSeen = new AtomicLong();
        private final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong last = new AtomicLong();
        /** Measured predictions made by {@link #fullUntil}: all of them until it is set. */
        private final AtomicLong fullWindowSeen = new AtomicLong();
        /** When the producer sent its last measured image at full speed (epoch ms); never, until then. */
        private volatile long fullUntil = Long.MAX_VALUE;

        private final LatencyHistogram captureToPrediction = new LatencyHistogram();
        private final LatencyHistogram captureToReadable = new LatencyHistogram();
        private final LatencyHistogram captureToVariant = new LatencyHistogram();
        private final LatencyHistogram captureToImage = new LatencyHistogram();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile RuntimeException failure;

        private PredictionFollower(Lr0Config config) {
            thread = new Thread(() -> follow(config), "bench-prediction-follower");
        }

        static PredictionFollower start(Lr0Config config) {
            PredictionFollower follower = new PredictionFollower(config);
            follower.thread.start();
            return follower;
        }

        private void follow(Lr0Config config) {
            Map<String, Object> consumerConfig = new HashMap<>(config.kafkaClientConfig());
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            String predictions = config.topics().predictions();
            try (StageSerdes serdes = StageSerdes.from(config.serdeConfig(), OperationalMetrics.none());
                    Deserializer<Prediction> predictionReader =
                            serdes.value(Prediction.class).deserializer();
                    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                            consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(
                        predictions, config.topics().variants(), config.topics().images())) {
                    consumer.partitionsFor(topic)
                            .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        if (record.topic().equals(predictions)) {
                            count(predictionReader.deserialize(predictions, record.headers(), record.value()));
                        } else if (!record.key().startsWith(WARMUP_PREFIX)) {
                            // Images and variants carry the capture time; each is readable from when it is polled.
                            (record.topic().equals(config.topics().images()) ? captureToImage : captureToVariant)
                                    .record(System.currentTimeMillis() - record.timestamp());
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        private void count(Prediction prediction) {
            if (prediction.getImageId().startsWith(WARMUP_PREFIX)) {
                warmupSeen.incrementAndGet();
                return;
            }
            long at = prediction.getPredictionTimestamp().toEpochMilli();
            if (at <= fullUntil) {
                fullWindowSeen.incrementAndGet();
            }
            first.accumulateAndGet(at, Math::min);
            last.accumulateAndGet(at, Math::max);
            captureToPrediction.record(prediction.getLatencyMillis());
            captureToReadable.record(System.currentTimeMillis()
                    - prediction.getCaptureTimestamp().toEpochMilli());
            measuredSeen.incrementAndGet();
        }

        void awaitWarmup(long expected) {
            await(warmupSeen, expected, "warm-up");
        }

        /**
         * The producer sent its last measured image at {@code millis} while keeping the pipeline full: predictions
         * made later are the drain, left out of the throughput. (Those seen before this call were all made earlier.)
         */
        void lastSentAt(long millis) {
            fullUntil = millis;
        }

        void awaitMeasured(long expected) {
            await(measuredSeen, expected, "measured");
        }

        /** Returns once {@code expected} predictions were seen; fails when none came for 2 minutes. */
        private void await(AtomicLong seen, long expected, String what) {
            long idleSince = System.nanoTime();
            long lastCount = -1;
            while (seen.get() < expected) {
                if (failure != null) {
                    throw failure;
                }
                if (seen.get() != lastCount) {
                    lastCount = seen.get();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > TimeUnit.MINUTES.toNanos(2)) {
                    throw new IllegalStateException("only " + seen.get() + " of " + expected + " " + what
                            + " predictions arrived, none in the last 2 minutes");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for " + what + " predictions", e);
                }
            }
        }

        /**
         * The figures of the measured images. Throughput is taken while the producer kept the pipeline full (from
         * the first prediction to {@link #fullUntil}), where there is such a window: the drain after it is a tail
         * where one stream thread may already be idle while another finishes its partitions, which says nothing
         * about the pipeline's speed. Otherwise (an offered rate, or a run too short to fill the pipeline) from the
         * first to the last prediction. Counters only: a long soak does not grow the heap it measures.
         */
        Run result(long images, double seconds, double offered) {
            Run run = new Run();
            run.images = images;
            run.variants = measuredSeen.get();
            run.offered = offered;
            run.seconds = seconds;
            long fullWindowVariants = fullWindowSeen.get();
            if (fullUntil != Long.MAX_VALUE && fullUntil > first.get() && fullWindowVariants > 0) {
                double window = (fullUntil - first.get()) / 1000.0;
                run.variantsPerSecond = fullWindowVariants / window;
                run.imagesPerSecond = run.variantsPerSecond * images / run.variants;
                run.throughputWindow = String.format(
                        "%d variants in %.1f s while the producer kept the pipeline full", fullWindowVariants, window);
            } else {
                double window = Math.max((last.get() - first.get()) / 1000.0, 1e-3);
                run.imagesPerSecond = images / window;
                run.variantsPerSecond = run.variants / window;
                run.throughputWindow = "first to last prediction";
            }
            run.latencyPercentiles = captureToPrediction.percentiles();
            run.readableLatencyPercentiles = captureToReadable.percentiles();
            run.variantLatencyPercentiles = captureToVariant.percentiles();
            run.imageLatencyPercentiles = captureToImage.percentiles();
            return run;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    /** Latencies in whole milliseconds (capped at 10 minutes), and their p50, p95, p99 and maximum. */
    private static final class LatencyHistogram {
        private static final int MAX_LATENCY_MS = 600_000;
        private final int[] counts = new int[MAX_LATENCY_MS + 1];
        private long total;

        synchronized void record(long millis) {
            counts[(int) Math.max(0, Math.min(MAX_LATENCY_MS, millis))]++;
            total++;
        }

        synchronized long[] percentiles() {
            return new long[] {percentile(0.50), percentile(0.95), percentile(0.99), percentile(1.0)};
        }

        private long percentile(double p) {
            long rank = Math.max(1, (long) Math.ceil(p * total));
            long seen = 0;
            for (int ms = 0; ms < counts.length; ms++) {
                seen += counts[ms];
                if (seen >= rank) {
                    return ms;
                }
            }
            return MAX_LATENCY_MS;
        }
    }

    /**
     * Mean time per record of each pipeline step over a run: differences of every stage timer the apps registered
     * (docs/operations.md), so a step added later (LIIF's upscale) shows without a list to keep in step. Read from
     * each app's own registry and summed over the apps of the run.
     */
    private record StageTimes(
            Map<String, double[]> totals,
            double modelMicros,
            double modelCpuMicros,
            double modelImages,
            long batches,
            double commits,
            double produceRequestMs,
            double commitLatencyAvgMs,
            double commitLatencyMaxMs) {
        static StageTimes now(List<Lr0App> apps) {
            List<MeterRegistry> registries =
                    apps.stream().map(app -> app.meters().registry()).toList();
            Map<String, double[]> totals = new TreeMap<>();
            for (Timer timer : find(registries, OperationalMetrics.STAGE_TIME, Search::timers)) {
                double[] total = totals.computeIfAbsent(timer.getId().getTag("stage"), stage -> new double[2]);
                total[0] += timer.count();
                total[1] += timer.totalTime(TimeUnit.MICROSECONDS);
            }
            List<DistributionSummary> sizes = find(registries, OperationalMetrics.BATCH_SIZE, Search::summaries);
            return new StageTimes(
                    totals,
                    totalMicros(registries, OperationalMetrics.MODEL_TIME),
                    totalMicros(registries, OperationalMetrics.MODEL_CPU_TIME),
                    sizes.stream().mapToDouble(DistributionSummary::totalAmount).sum(),
                    sizes.stream().mapToLong(DistributionSummary::count).sum(),
                    find(registries, "kafka.stream.thread.commit.total", Search::functionCounters).stream()
                            .mapToDouble(FunctionCounter::count)
                            .sum(),
                    gauges(registries, "kafka.producer.request.latency.avg", DoubleStream::average),
                    gauges(registries, "kafka.stream.thread.commit.latency.avg", DoubleStream::average),
                    gauges(registries, "kafka.stream.thread.commit.latency.max", DoubleStream::max));
        }

        /** The meters named {@code name} in every registry. */
        private static <M> List<M> find(
                List<MeterRegistry> registries, String name, Function<Search, Collection<M>> kind) {
            return registries.stream()
                    .flatMap(registry -> kind.apply(registry.find(name)).stream())
                    .toList();
        }

        /** A timer's total so far over the apps, 0 before they registered it. */
        private static double totalMicros(List<MeterRegistry> registries, String timerName) {
            return find(registries, timerName, Search::timers).stream()
                    .mapToDouble(timer -> timer.totalTime(TimeUnit.MICROSECONDS))
                    .sum();
        }

        /** Gauges (one per client or thread) combined by {@code over}. */
        private static double gauges(
                List<MeterRegistry> registries, String name, Function<DoubleStream, OptionalDouble> over) {
            return over.apply(find(registries, name, Search::gauges).stream()
                            .mapToDouble(Gauge::value)
                            .filter(v -> !Double.isNaN(v)))
                    .orElse(Double.NaN);
        }

        /** The CPU time of the model's forward passes since {@code before}, in seconds (their calling threads'). */
        double modelCpuSeconds(StageTimes before) {
            return (modelCpuMicros - before.modelCpuMicros) / 1e6;
        }

        String minus(StageTimes before) {
            StringBuilder line = new StringBuilder();
            totals.forEach((stage, now) -> {
                double[] then = before.totals.getOrDefault(stage, new double[2]);
                double count = now[0] - then[0];
                if (count > 0) {
                    line.append(String.format("%s %.0f us, ", stage, (now[1] - then[1]) / count));
                }
            });
            double images = modelImages - before.modelImages;
            if (images > 0) {
                line.append(String.format(
                        "model %.0f us per image, %.0f us of it on the CPU (%.1f images per batch), ",
                        (modelMicros - before.modelMicros) / images,
                        (modelCpuMicros - before.modelCpuMicros) / images,
                        images / (batches - before.batches)));
            }
            line.append(String.format("produce request %.1f ms (producers' average)", produceRequestMs));
            return line.append(String.format(
                            "; %.0f commits (all stream threads), latest commit latency avg %.1f ms, max %.1f ms",
                            commits - before.commits, commitLatencyAvgMs, commitLatencyMaxMs))
                    .toString();
        }
    }

    /**
     * Up to {@code count} images cycling through the sample, with ids unique within the run, while {@code more} says
     * so; counts the variants the images it gave out will yield.
     */
    private static final class CyclingDataset implements DatasetSource {
        private final Sample sample;
        private final String prefix;
        private final long count;
        private final BooleanSupplier more;
        private final AtomicLong emitted = new AtomicLong();
        private final AtomicLong variants = new AtomicLong();

        CyclingDataset(Sample sample, String prefix, long count, BooleanSupplier more) {
            this.sample = sample;
            this.prefix = prefix;
            this.count = count;
            this.more = more;
        }

        @Override
        public LabelSpace labelSpace() {
            return sample.labels();
        }

        @Override
        public int size() {
            return (int) Math.min(Integer.MAX_VALUE, count);
        }

        long emitted() {
            return emitted.get();
        }

        long variantsEmitted() {
            return variants.get();
        }

        @Override
        public Iterator<LabeledImage> images() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return emitted.get() < count && more.getAsBoolean();
                }

                @Override
                public LabeledImage next() {
                    long next = emitted.getAndIncrement();
                    int at = (int) (next % sample.images().size());
                    variants.addAndGet(sample.variantsPerImage()[at]);
                    LabeledImage image = sample.images().get(at);
                    return new LabeledImage(
                            prefix + next + "-" + image.id(), image.image(), image.label(), null, Map.of());
                }
            };
        }
    }

    /** Heap in use right after a full GC, once a minute: a leak shows as a rising series. */
    private static final class HeapWatch {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final List<Long> samples = Collections.synchronizedList(new ArrayList<>());

        static HeapWatch everyMinute() {
            HeapWatch watch = new HeapWatch();
            watch.timer.scheduleAtFixedRate(watch::sample, 0, 1, TimeUnit.MINUTES);
            return watch;
        }

        private void sample() {
            System.gc();
            samples.add(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
        }

        List<Long> stop() {
            timer.shutdownNow();
            sample();
            return List.copyOf(samples);
        }
    }

    /**
     * Samples this process's heap and resident set every 200 ms while a benchmark runs (its CPU: {@link ThreadCpu}), and counts the
     * collector's stop-the-world pauses (every stream thread, the broker and the registry stop during one, so they add
     * to the latency tail).
     */
    private static final class ResourceSampler implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong peakHeap = new AtomicLong();
        private final AtomicLong peakRssMb = new AtomicLong(-1);
        private final LongAdder pauses = new LongAdder();
        private final LongAdder pauseMillis = new LongAdder();
        private final AtomicLong longestPause = new AtomicLong();
        private final long startNanos = System.nanoTime();
        private final NotificationListener onCollection = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo collection =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            // A concurrent cycle runs beside the application; only pauses stop it.
            if (collection.getGcName().contains("Concurrent")) {
                return;
            }
            long millis = collection.getGcInfo().getDuration();
            pauses.increment();
            pauseMillis.add(millis);
            longestPause.accumulateAndGet(millis, Math::max);
        };

        static ResourceSampler start() {
            ResourceSampler sampler = new ResourceSampler();
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) collector).addNotificationListener(sampler.onCollection, null, null);
            }
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            sampler.timer.scheduleAtFixedRate(
                    () -> {
                        sampler.peakHeap.accumulateAndGet(
                                memory.getHeapMemoryUsage().getUsed(), Math::max);
                        sampler.peakRssMb.accumulateAndGet(ProcessMemory.rssMb(), Math::max);
                    },
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            return sampler;
        }

        long peakHeapBytes() {
            return peakHeap.get();
        }

        long peakRssMb() {
            return peakRssMb.get();
        }

        /** The collector's pauses since the start: how many, their total and share of the time, the longest. */
        String pauses() {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            return String.format(
                    "%d GC pauses, %d ms in all (%.1f %% of the time), longest %d ms",
                    pauses.sum(), pauseMillis.sum(), pauseMillis.sum() / 10.0 / seconds, longestPause.get());
        }

        @Override
        public void close() {
            timer.shutdownNow();
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                try {
                    ((NotificationEmitter) collector).removeNotificationListener(onCollection);
                } catch (ListenerNotFoundException notRegistered) {
                    // Registered with every collector in start(); nothing to remove otherwise.
                }
            }
        }
    }
}
