package io.lr0.bench;

import io.lr0.app.Lr0App;
import io.lr0.app.Lr0Config;
import io.lr0.cli.ConfigOptions;
import io.lr0.contract.TopicSetup;
import io.lr0.image.ImageCodec;
import io.lr0.image.ImageLimits;
import io.lr0.image.PillowResize;
import io.lr0.image.Raster;
import io.lr0.inference.ImageEncoder;
import io.lr0.inference.ImagePreprocessor;
import io.lr0.inference.ZeroShotModel;
import io.lr0.local.LocalStack;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabelSpace;
import io.lr0.producers.LabeledImage;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.stage.StageSerdes;
import io.lr0.schema.DegradationMethod;
import io.lr0.schema.ImageVariant;
import io.lr0.schema.Prediction;
import io.lr0.superres.BicubicUpscaler;
import io.lr0.superres.LiifModel;
import io.lr0.superres.Upscaler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openjdk.jmh.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lr0 bench}: figures measured in one run on this machine (not timed tests). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures.",
        subcommands = {
            BenchCommand.Inference.class,
            PipelineBench.class,
            BenchCommand.Upscale.class,
            BenchCommand.Micro.class
        })
public final class BenchCommand {
    /** How long each raw model timing of lr0 bench inference runs. */
    private static final double RAW_SECONDS = 3;
    /** The most inputs a raw timing cycles through: enough to leave the caches, and 90 MB at 224 px. */
    private static final int RAW_INPUTS = 256;
    /** Batches before a raw timing starts: TorchScript's profiling executor optimises a graph on its second run. */
    private static final int RAW_WARMUP_BATCHES = 2;

    /** The model's input tensors of the first {@value #RAW_INPUTS} images of the sample. */
    static float[][] preprocess(ZeroShotModel model, List<LabeledImage> sample) {
        ImagePreprocessor preprocessor = new ImagePreprocessor(model.spec());
        float[][] inputs = new float[Math.min(sample.size(), RAW_INPUTS)][preprocessor.valuesPerImage()];
        for (int i = 0; i < inputs.length; i++) {
            preprocessor.write(
                    preprocessor.prepare(ImageCodec.decode(sample.get(i).image(), ImageLimits.DEFAULT), false),
                    inputs[i],
                    0);
        }
        return inputs;
    }

    /**
     * Images per second through get_image_features alone, in batches of {@code size} cycling through the inputs:
     * after {@value #RAW_WARMUP_BATCHES} warm-up batches, batches until at least {@code seconds} and two batches
     * have gone by (a short timing on a shared machine is mostly noise; a full-size model's batch takes seconds).
     */
    static double raw(ZeroShotModel model, float[][] inputs, int size, double seconds) throws Exception {
        return concurrent(List.of(model), inputs, size, seconds);
    }

    /**
     * Images per second when each model of {@code models} runs batches as {@link #raw} does, in a thread of its own
     * and a predictor each. The threads warm up, start timing together and each stops at the first batch end past
     * the common deadline: all images over the longest of their windows, so no thread's figure includes time when
     * another had already stopped and left it the machine.
     */
    static double concurrent(List<ZeroShotModel> models, float[][] inputs, int size, double seconds) throws Exception {
        CyclicBarrier warm = new CyclicBarrier(models.size());
        AtomicLong deadline = new AtomicLong();
        long[] timed = new long[models.size()];
        long[] ended = new long[models.size()];
        ExecutorService threads = Executors.newFixedThreadPool(models.size());
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < models.size(); t++) {
                ZeroShotModel model = models.get(t);
                int thread = t;
                runs.add(threads.submit(() -> {
                    try (ImageEncoder encoder = model.newImageEncoder()) {
                        float[] batch = new float[size * inputs[0].length];
                        long next = 0;
                        while (next < RAW_WARMUP_BATCHES) {
                            runBatch(encoder, inputs, batch, size, next++);
                        }
                        warm.await();
                        deadline.compareAndSet(0, System.nanoTime() + (long) (seconds * 1e9));
                        do {
                            runBatch(encoder, inputs, batch, size, next++);
                            timed[thread]++;
                        } while (timed[thread] < 2 || System.nanoTime() - deadline.get() < 0);
                        ended[thread] = System.nanoTime();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            threads.shutdownNow();
        }
        long start = deadline.get() - (long) (seconds * 1e9);
        long end = LongStream.of(ended).max().orElseThrow();
        return LongStream.of(timed).sum() * size / ((end - start) / 1e9);
    }

    /** The {@code index}-th batch of {@code size} inputs, cycling through them, through the model. */
    private static void runBatch(ImageEncoder encoder, float[][] inputs, float[] batch, int size, long index) {
        int values = inputs[0].length;
        for (int i = 0; i < size; i++) {
            System.arraycopy(inputs[(int) ((index * size + i) % inputs.length)], 0, batch, i * values, values);
        }
        encoder.encode(batch, size);
    }

    @Command(
            name = "inference",
            mixinStandardHelpOptions = true,
            description = "Raw DJL batched throughput of the model at batch sizes 1, 8, 32, 64, then the inference "
                    + "stage inside the running topology on the embedded broker, on the same images (at native "
                    + "resolution); process RSS and heap; their ratio last.")
    static final class Inference implements Callable<Integer> {
        @Mixin
        ConfigOptions config;

        @Mixin
        SampleOptions source;

        @Option(
                names = "--images",
                description = "Images the stage classifies in the topology (default: as many as the raw model "
                        + "classifies at --batch in --seconds).")
        Integer images;

        @Option(
                names = "--seconds",
                defaultValue = "30",
                description = "How long the stage's measurement should take when --images is not given "
                        + "(default: ${DEFAULT-VALUE}).")
        double seconds;

        @Option(
                names = "--batch",
                defaultValue = "32",
                description = "Stage batch size, and the raw batch size of the ratio (default: ${DEFAULT-VALUE}).")
        int batch;
        /** Raw images/s by batch size, as printed. */
        final Map<Integer, Double> rawPerSecond = new TreeMap<>();
        /** The stage's images/s in the topology, as printed. */
        double stagePerSecond;

        @Override
        public Integer call() throws Exception {
            Path work = Files.createTempDirectory("lr0-bench");
            Lr0Config base = config.load(
                    Map.of(Lr0Config.STATE_DIR, work.resolve("streams").toString()));
            List<LabeledImage> distinct = source.distinct(images != null ? images : SampleOptions.DISTINCT_IMAGES);
            System.out.printf(
                    "lr0 bench inference: %s at native resolution, %d cores, %s%n",
                    source.describe(distinct),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.arch"));
            double rawAtBatch;
            try (ZeroShotModel model = Lr0App.loadModel(base)) {
                System.out.printf(
                        "model %s on %s, input %dpx%n",
                        model.spec().name(), model.device(), model.spec().inputSize());
                float[][] inputs = preprocess(model, distinct);
                rawAtBatch = 0;
                for (int size :
                        IntStream.of(1, 8, 32, 64, batch).distinct().sorted().toArray()) {
                    double perSecond = raw(model, inputs, size, RAW_SECONDS);
                    rawPerSecond.put(size, perSecond);
                    rawAtBatch = size == batch ? perSecond : rawAtBatch;
                    System.out.printf("raw DJL, batch %3d: %8.1f images/s%n", size, perSecond);
                }
                // Two stream threads: share one model (a predictor each), or load one model per thread?
                System.out.printf(
                        "2 threads, one shared model, batch %d: %8.1f images/s%n",
                        batch, concurrent(List.of(model, model), inputs, batch, RAW_SECONDS));
                try (ZeroShotModel second = Lr0App.loadModel(base)) {
                    System.out.printf(
                            "2 threads, a model each,     batch %d: %8.1f images/s%n",
                            batch, concurrent(List.of(model, second), inputs, batch, RAW_SECONDS));
                    System.out.printf("with two models loaded: %s%n", ProcessMemory.describe());
                }
            }
            int staged = images != null ? images : (int) Math.max(2L * batch, Math.round(rawAtBatch * seconds));
            stagePerSecond = stage(work, distinct, staged);
            System.out.printf(
                    "inference stage in the topology (batch.size=%d, embedded broker, %d images): %8.1f images/s%n",
                    batch, staged, stagePerSecond);
            System.out.printf("after the stage: %s%n", ProcessMemory.describe());
            System.out.printf("ratio stage / raw at batch %d: %.3f%n", batch, stagePerSecond / rawAtBatch);
            return 0;
        }

        /**
         * The native variants of {@code count} images (cycling through {@code distinct}) are written first; then the
         * app starts and the rate is taken between the first and the last prediction (Streams start-up excluded).
         */
        private double stage(Path work, List<LabeledImage> distinct, int count) throws Exception {
            try (LocalStack stack = LocalStack.start(work, 0, 0, 0)) {
                Lr0Config lr0 = config.load(Map.of(
                        Lr0Config.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                        Lr0Config.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                        Lr0Config.STATE_DIR, work.resolve("streams").toString(),
                        Lr0Config.TOPIC_PARTITIONS, "1",
                        Lr0Config.INFERENCE_BATCH_SIZE, String.valueOf(batch),
                        // The stage alone, reading the variants written below: the classify-only role.
                        Lr0Config.DEGRADE_ENABLED, "false",
                        Lr0Config.DASHBOARD_PORT, "0"));
                TopicSetup.ensure(lr0.kafkaClientConfig(), lr0.topics().specs(lr0.topicLayout()));
                LabelSpace labels = source.open().labelSpace();
                try (ImagePublisher publisher = new ImagePublisher(
                        lr0.kafkaClientConfig(),
                        lr0.serdeConfig(),
                        lr0.topics().images(),
                        lr0.topics().datasets())) {
                    publisher.publishDataset(labels);
                }
                List<Raster> decoded = distinct.stream()
                        .map(image -> ImageCodec.decode(image.image(), ImageLimits.DEFAULT))
                        .toList();
                try (StageSerdes serdes = StageSerdes.from(lr0.serdeConfig(), OperationalMetrics.none());
                        KafkaProducer<String, ImageVariant> producer = new KafkaProducer<>(
                                lr0.kafkaClientConfig(),
                                new StringSerializer(),
                                serdes.value(ImageVariant.class).serializer())) {
                    for (int i = 0; i < count; i++) {
                        LabeledImage image = distinct.get(i % distinct.size());
                        String id = i + "-" + image.id();
                        producer.send(new ProducerRecord<>(
                                lr0.topics().variants(),
                                id + "@native",
                                ImageVariant.newBuilder()
                                        .setImageId(id)
                                        .setSource("bench")
                                        .setDataset(labels.id())
                                        .setCaptureTimestamp(Instant.now())
                                        .setLabel(image.label())
                                        .setGroup(null)
                                        .setResolution(null)
                                        .setMethod(DegradationMethod.NATIVE)
                                        .setNativeWidth(
                                                decoded.get(i % distinct.size()).width())
                                        .setNativeHeight(
                                                decoded.get(i % distinct.size()).height())
                                        .setImage(image.image())
                                        .setVariantsOfImage(1)
                                        .build()));
                    }
                }
                try (Lr0App app = Lr0App.start(lr0)) {
                    return rate(lr0, count);
                }
            }
        }

        private static double rate(Lr0Config config, int expected) {
            Map<String, Object> consumerConfig = new HashMap<>(config.kafkaClientConfig());
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            long first = Long.MAX_VALUE;
            long last = 0;
            int seen = 0;
            // A batch's predictions share its timestamp: those at the first one are the first batch.
            int firstBatch = 0;
            try (StageSerdes serdes = StageSerdes.from(config.serdeConfig(), OperationalMetrics.none());
                    KafkaConsumer<String, Prediction> consumer = new KafkaConsumer<>(
                            consumerConfig,
                            new StringDeserializer(),
                            serdes.value(Prediction.class).deserializer())) {
                TopicPartition partition = new TopicPartition(config.topics().predictions(), 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (seen < expected && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, Prediction> record : consumer.poll(Duration.ofMillis(200))) {
                        long at = record.value().getPredictionTimestamp().toEpochMilli();
                        firstBatch = at < first ? 1 : at == first ? firstBatch + 1 : firstBatch;
                        first = Math.min(first, at);
                        last = Math.max(last, at);
                        seen++;
                    }
                }
            }
            if (seen < expected) {
                throw new IllegalStateException("only " + seen + " of " + expected + " predictions arrived");
            }
            // The first batch's own duration is not in the interval: count from the second batch on.
            return (seen - firstBatch) / Math.max((last - first) / 1000.0, 1e-3);
        }
    }

    @Command(
            name = "upscale",
            mixinStandardHelpOptions = true,
            description = "LIIF throughput (images/s) from 16 and 32 px to 224 px on this machine, batch 1 and "
                    + "sr.batch.size, and its cost relative to the stream's bicubic on the same images.")
    static final class Upscale implements Callable<Integer> {
        @Mixin
        ConfigOptions config;

        @Mixin
        SampleOptions source;

        @Option(
                names = "--images",
                defaultValue = "16",
                description = "Images per measurement (default: ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--target", defaultValue = "224", description = "Output side (default: ${DEFAULT-VALUE}).")
        int target;
        /** Each line's figures, as printed. */
        final List<Figure> figures = new ArrayList<>();

        /** LIIF and bicubic images/s from one source size at one batch size. */
        record Figure(int source, int batch, double liifPerSecond, double bicubicPerSecond) {}

        @Override
        public Integer call() throws Exception {
            Lr0Config lr0 = config.load(Map.of(
                    Lr0Config.STATE_DIR,
                    Files.createTempDirectory("lr0-bench").resolve("streams").toString()));
            List<LabeledImage> sample = source.sample(images);
            List<Raster> photos = new ArrayList<>();
            for (LabeledImage image : sample) {
                photos.add(ImageCodec.decode(image.image(), ImageLimits.DEFAULT));
            }
            int batch = lr0.superResolutionSettings().batchSize();
            System.out.printf(
                    "lr0 bench upscale: %s resized to each source size, -> %dx%d, %d cores, %s%n",
                    source.describe(sample),
                    target,
                    target,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.arch"));
            try (LiifModel liif = Lr0App.loadLiif(lr0);
                    Upscaler upscaler = liif.newUpscaler()) {
                System.out.printf(
                        "LIIF model %s on %s%n", lr0.superResolutionSettings().liifModel(), liif.device());
                for (int source : new int[] {16, 32}) {
                    List<Raster> lowRes = photos.stream()
                            .map(p -> PillowResize.resize(p, source, source))
                            .toList();
                    double bicubic = perSecond(new BicubicUpscaler(), lowRes, 1, Math.max(lowRes.size(), 1000));
                    for (int size : IntStream.of(1, batch).distinct().toArray()) {
                        double perSecond = perSecond(upscaler, lowRes, size, lowRes.size());
                        figures.add(new Figure(source, size, perSecond, bicubic));
                        System.out.printf(
                                "%2d -> %d, batch %2d: LIIF %8.2f images/s, bicubic %9.1f images/s: LIIF "
                                        + "costs %.0fx bicubic%n",
                                source, target, size, perSecond, bicubic, bicubic / perSecond);
                    }
                }
            }
            return 0;
        }

        /** Images per second through {@code upscaler} in batches of {@code size}, {@code count} images, after a warm-up batch. */
        private double perSecond(Upscaler upscaler, List<Raster> images, int size, int count) {
            upscaler.upscale(images.subList(0, Math.min(size, images.size())), target, target);
            long start = System.nanoTime();
            int done = 0;
            while (done < count) {
                List<Raster> chunk = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    chunk.add(images.get((done + i) % images.size()));
                }
                upscaler.upscale(chunk, target, target);
                done += size;
            }
            return done / ((System.nanoTime() - start) / 1e9);
        }
    }

    @Command(
            name = "micro",
            description = "JMH micro-benchmarks of the degradation kernel, pre-processing and the "
                    + "serdes (io.lr0.bench.jmh); arguments go to JMH, e.g. '-prof gc' for allocation per operation, or a name "
                    + "pattern.")
    static final class Micro implements Callable<Integer> {
        @picocli.CommandLine.Unmatched
        List<String> jmhArguments = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Main.main(jmhArguments.toArray(String[]::new));
            return 0;
        }
    }
}
