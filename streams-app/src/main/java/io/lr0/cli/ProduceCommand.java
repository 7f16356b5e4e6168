package io.lr0.cli;

import io.lr0.app.Lr0Config;
import io.lr0.contract.Sources;
import io.lr0.contract.Topics;
import io.lr0.http.HttpSecurity;
import io.lr0.lifecycle.Shutdown;
import io.lr0.producers.CameraSource;
import io.lr0.producers.DatasetProducer;
import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.DirectoryWatcher;
import io.lr0.producers.HttpIngest;
import io.lr0.producers.ImagePublisher;
import io.lr0.producers.LabelSpace;
import io.lr0.producers.LabeledImage;
import io.lr0.producers.ProgressBar;
import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lr0 produce}: feed the images topic from a dataset or a watched directory. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Produce images to Kafka (Avro, Confluent wire format).",
        subcommands = {
            ProduceCommand.DatasetCommand.class,
            ProduceCommand.WatchCommand.class,
            ProduceCommand.CameraCommand.class,
            ProduceCommand.HttpCommand.class
        })
public final class ProduceCommand {

    /** Where to produce: the cluster, named as on every command ({@link ClusterOptions}), and the topics. */
    static final class Target {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--topic", description = "Images topic (default: topic.images, images).")
        String topic;

        @Option(
                names = "--datasets-topic",
                description = "Topic of dataset label spaces (default: topic.datasets, datasets).")
        String datasetsTopic;

        private Lr0Config settings;

        /** The configuration: file, environment, these flags, then {@code --set}. */
        Lr0Config settings() {
            if (settings == null) {
                Map<String, String> named = new HashMap<>();
                if (topic != null) {
                    named.put(Lr0Config.TOPIC_IMAGES, topic);
                }
                if (datasetsTopic != null) {
                    named.put(Lr0Config.TOPIC_DATASETS, datasetsTopic);
                }
                settings = cluster.load(named);
            }
            return settings;
        }

        String imagesTopic() {
            return settings().topics().images();
        }

        String datasetsTopic() {
            return settings().topics().datasets();
        }

        /**
         * A publisher, once the broker and the registry have answered. Built first, so a bad client setting is named
         * before an unreachable cluster.
         */
        ImagePublisher publisher() {
            Lr0Config cluster = settings();
            ImagePublisher publisher = new ImagePublisher(
                    cluster.kafkaClientConfig(),
                    cluster.serdeConfig(),
                    cluster.topics().images(),
                    cluster.topics().datasets());
            try {
                ClusterOptions.checkBrokerAnswers(cluster);
                ClusterOptions.checkRegistryAnswers(cluster);
                return publisher;
            } catch (RuntimeException e) {
                publisher.close();
                throw e;
            }
        }
    }

    @Command(
            name = "dataset",
            mixinStandardHelpOptions = true,
            description = "Produce a dataset: Fashion-MNIST/MNIST IDX files, CIFAR-10 binary batches, an image "
                    + "folder root/<class>/[<group>/]*.{png,jpg}, or one of LR0.FM's benchmarks in its published "
                    + "layout (--format imagenet1k, imagenet_a, imagenet_r, imagenet_sketch, imagenet_v2, caltech101, "
                    + "dtd, food101, fgvc_aircraft, sun397, pets, cars, flowers, eurosat, ucf101: docs/datasets.md), or "
                    + "CounterAnimal's common and counter groups (--format counteranimal). "
                    + "Without PATH: Debian's Fashion-MNIST, else the bundled 1,000-image sample.")
    public static final class DatasetCommand implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(arity = "0..1", paramLabel = "PATH", description = "Dataset directory.")
        Path path;

        @Option(
                names = "--format",
                defaultValue = "AUTO",
                converter = FormatName.class,
                description = "Layout, any case: ${COMPLETION-CANDIDATES}, or another name of a benchmark "
                        + "(flowers102); AUTO recognises IDX, CIFAR-10, a benchmark by its files (also in a torchvision "
                        + "root), or a folder (default: ${DEFAULT-VALUE}).")
        Datasets.Format format;

        @Option(
                names = "--split",
                defaultValue = "test",
                description = "train or test; val where the benchmark has one; DTD and SUN397 take numbered splits "
                        + "(test2) (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(
                names = "--dataset-id",
                description = "Label-space id (default: from the layout, e.g. fashion-mnist; a benchmark's LR0.FM id).")
        String datasetId;

        @Option(
                names = "--source-name",
                description = "Name of the source its images come from, as dataset:<name> (default: the label-space "
                        + "id): label-free measures and estimated accuracy are kept per source, so a held-out "
                        + "split named apart can check what a calibrating one taught.")
        String sourceName;

        @Option(
                names = "--skip",
                defaultValue = "0",
                description = "Leave out the split's first this many images (with --limit: two disjoint parts "
                        + "of one split, one to calibrate, one held out).")
        int skip;

        @Option(names = "--limit", defaultValue = "0", description = "Produce at most this many images (0: all).")
        long limit;

        @Option(names = "--rate", defaultValue = "0", description = "Images per second (0: as fast as possible).")
        double rate;

        @Override
        public Integer call() throws Exception {
            DatasetSource dataset = (path == null
                            ? Datasets.defaultFashionMnist(split)
                            : Datasets.open(path, format, split, datasetId))
                    .skipping(skip);
            long total = limit > 0 ? Math.min(limit, dataset.size()) : dataset.size();
            LabelSpace labelSpace = dataset.labelSpace();
            System.err.printf(
                    "Producing %d images of %s (%d classes) to %s at %s%n",
                    total,
                    labelSpace.id(),
                    labelSpace.classes().size(),
                    target.imagesTopic(),
                    target.settings().bootstrapServers());
            try (ImagePublisher publisher = target.publisher()) {
                DatasetProducer.Result result = DatasetProducer.run(
                        dataset,
                        publisher,
                        Sources.dataset(sourceName != null ? sourceName : labelSpace.id()),
                        limit,
                        rate,
                        ProgressBar.onStderr(labelSpace.id(), total));
                if (result.failed() > 0) {
                    System.err.printf(
                            "%d images were not written; first failure: %s%n", result.failed(), result.firstFailure());
                    return 1;
                }
                System.err.printf("Produced %d images.%n", result.sent());
                return 0;
            }
        }
    }

    @Command(
            name = "camera",
            mixinStandardHelpOptions = true,
            description = "Produce the frames of a camera or video: anything ffmpeg opens (rtsp://, http:// MJPEG, "
                    + "/dev/video0 with -f v4l2 in the URL's stead, a file), through Debian's ffmpeg, frames piped as "
                    + "JPEG. A source that drops or stalls is reopened with backoff; a file is replayed at its own "
                    + "pace, once. Frames carry no label (the accuracy metrics count them as unlabelled).")
    public static final class CameraCommand implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--name", required = true, description = "Camera name: the first part of each image id.")
        String name;

        @Option(names = "--url", required = true, description = "What ffmpeg opens (credentials are never logged).")
        String url;

        @Option(names = "--fps", defaultValue = "0", description = "Frames per second taken (0: every frame).")
        double fps;

        @Option(
                names = "--max-side",
                defaultValue = "0",
                description = "Shrink frames whose longer side is over this (0: as they come).")
        int maxSide;

        @Mixin
        CameraLabelSpace labelSpace;

        @Option(
                names = "--stall-timeout",
                defaultValue = "PT10S",
                description = "Reopen the source after this long without a frame (default: ${DEFAULT-VALUE}).")
        Duration stallTimeout;

        @Option(names = "--max-frames", defaultValue = "0", description = "Stop after this many frames (0: never).")
        long maxFrames;

        @Option(
                names = "--max-frame-bytes",
                defaultValue = "" + Topics.DEFAULT_IMAGE_MAX_BYTES,
                description = "Largest JPEG frame sent: the app's image.max.bytes (default: ${DEFAULT-VALUE}).")
        int maxFrameBytes;

        @Option(
                names = "--ffmpeg",
                defaultValue = "ffmpeg",
                description = "The ffmpeg binary: a name on the PATH or a path (default: ${DEFAULT-VALUE}).")
        String ffmpeg;

        @Override
        public Integer call() throws Exception {
            if (name.isBlank() || name.contains("/")) {
                throw new IllegalArgumentException("--name must be non-empty and hold no '/', was '" + name + "'");
            }
            // Refused here, naming the option: ffmpeg would fail on each, and the camera reconnect without end.
            Optional<Path> local = CameraSource.localPath(url);
            if (local.isPresent() && !Files.exists(local.get())) {
                throw new IllegalArgumentException(
                        "--url " + url + " is no file or device here, nor a network URL (rtsp://, http://, ...)");
            }
            atLeast("--fps", fps, 0);
            atLeast("--max-side", maxSide, 0);
            atLeast("--max-frames", maxFrames, 0);
            atLeast("--max-frame-bytes", maxFrameBytes, 1);
            if (stallTimeout.isNegative() || stallTimeout.isZero()) {
                throw new IllegalArgumentException("--stall-timeout must be positive, was " + stallTimeout);
            }
            boolean file = CameraSource.isFile(url);
            CameraSource source = new CameraSource(
                    new CameraSource.Settings(name, url, fps, maxSide, file, stallTimeout, maxFrameBytes, ffmpeg));
            source.requireFfmpeg();
            AtomicBoolean enough = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            try (ImagePublisher publisher = target.publisher()) {
                labelSpace.publish(publisher, "camera " + name, target.datasetsTopic());
                System.err.printf("Camera %s: reading %s; Ctrl-C to stop.%n", name, CameraSource.redact(url));
                source.run(
                        (jpeg, capturedAt) -> {
                            long sequence = sent.incrementAndGet();
                            LabeledImage frame = new LabeledImage(
                                    name + "/" + capturedAt + "-" + sequence,
                                    Image.newBuilder()
                                            .setEncoding(ImageEncoding.JPEG)
                                            .setData(ByteBuffer.wrap(jpeg))
                                            .build(),
                                    null,
                                    null,
                                    Map.of("camera", name, "frame", String.valueOf(sequence)));
                            publisher.send(
                                    frame,
                                    Sources.camera(name),
                                    labelSpace.dataset,
                                    Instant.ofEpochMilli(capturedAt),
                                    (m, e) -> {
                                        if (e != null) {
                                            failed.incrementAndGet();
                                        }
                                    });
                            if (maxFrames > 0 && sequence >= maxFrames) {
                                enough.set(true);
                            }
                        },
                        // Ctrl-C stops the reading; the publisher then flushes every frame sent before the exit.
                        () -> !enough.get() && !Shutdown.requested(),
                        file);
                publisher.flush();
            }
            System.err.printf(
                    "Camera %s: %d frames produced, %d not written, %d gaps.%n",
                    name, sent.get() - failed.get(), failed.get(), source.gaps());
            return failed.get() == 0 ? 0 : 1;
        }
    }

    @Command(
            name = "http",
            mixinStandardHelpOptions = true,
            description = "Serve a push endpoint: POST /images?camera=NAME[&label=L][&dataset=ID] with a JPEG or PNG "
                    + "body (or a multipart form's first file) answers 202 {\"id\": ...} once the broker has the "
                    + "image; 413 over --max-bytes, 415 not an image, 401 without --user-info's credentials.")
    public static final class HttpCommand implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "8089", description = "Port (0: any free; default: ${DEFAULT-VALUE}).")
        int port;

        @Option(
                names = "--max-bytes",
                defaultValue = "" + Topics.DEFAULT_IMAGE_MAX_BYTES,
                description = "Largest image taken: the app's image.max.bytes (default: ${DEFAULT-VALUE}).")
        int maxBytes;

        @Mixin
        CameraLabelSpace labelSpace;

        @Option(names = "--user-info", description = "user:password clients must send (basic auth); none by default.")
        String userInfo;

        @Option(names = "--key-store", description = "PKCS12 key store: serve HTTPS.")
        String keyStore;

        @Option(names = "--key-store-password", description = "Its password.")
        String keyStorePassword;

        @Override
        public Integer call() throws Exception {
            atLeast("--max-bytes", maxBytes, 1);
            HttpSecurity security =
                    HttpSecurity.of("lr0 produce http", userInfo, keyStore, keyStorePassword, null, null);
            try (ImagePublisher publisher = target.publisher();
                    HttpIngest ingest =
                            HttpIngest.start(host, port, security, publisher, labelSpace.dataset, maxBytes)) {
                labelSpace.publish(publisher, "the push endpoint", target.datasetsTopic());
                System.err.printf("POST images to %s/images?camera=NAME; Ctrl-C to stop.%n", ingest.url());
                // On Ctrl-C the endpoint closes (requests in flight answered) and the publisher flushes.
                Shutdown.await();
            }
            return 0;
        }
    }

    /** {@code --format} by name in any case, or by another name the benchmark goes by ({@code flowers102}). */
    static final class FormatName implements CommandLine.ITypeConverter<Datasets.Format> {
        @Override
        public Datasets.Format convert(String value) {
            return Datasets.Format.parse(value);
        }
    }

    private static void atLeast(String option, double value, double least) {
        if (value < least) {
            throw new IllegalArgumentException(option + " must be "
                    + (least == 0 ? "0 or more" : "at least " + plain(least)) + ", was " + plain(value));
        }
    }

    /** A number as written: 2, not 2.0. */
    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * {@code --dataset} and {@code --classes}: the label space camera images are classified in (an image posted with
     * its own {@code &dataset=} excepted), published when the command starts.
     */
    static final class CameraLabelSpace {
        @Option(
                names = "--dataset",
                defaultValue = "camera",
                description = "Label space the images are classified in (default: ${DEFAULT-VALUE}; imagenet1k is "
                        + "published with ImageNet's classes).")
        String dataset;

        @Option(
                names = "--classes",
                split = ",",
                description = "Publish the label space with these classes (comma-separated), e.g. for a prompt file "
                        + "of your own.")
        List<String> classes;

        /** Publishes {@code dataset}'s classes (given, or ImageNet's for imagenet1k), else says what waits for it. */
        void publish(ImagePublisher publisher, String forWhom, String datasetsTopic) {
            Optional<List<String>> labelSpace =
                    classes != null && !classes.isEmpty() ? Optional.of(classes) : Datasets.knownClasses(dataset);
            if (labelSpace.isPresent()) {
                publisher.publishDataset(new LabelSpace(dataset, labelSpace.get(), List.of(), "classes of " + forWhom));
            } else {
                System.err.printf(
                        "Images of %s are classified once dataset '%s' has a label space on %s (--classes "
                                + "publishes one).%n",
                        forWhom, dataset, datasetsTopic);
            }
        }
    }

    @Command(
            name = "watch",
            mixinStandardHelpOptions = true,
            description = "Produce every .png/.jpg file that appears under DIR, once each, across restarts.")
    public static final class WatchCommand implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "DIR", description = "Directory to watch (sub-directories included).")
        Path directory;

        @Option(
                names = "--dataset-id",
                defaultValue = "camera",
                description = "Label-space id of the images (default: ${DEFAULT-VALUE}).")
        String datasetId;

        @Option(
                names = "--labels-from-folders",
                description = "Take the first sub-folder name as the ground-truth label.")
        boolean labelsFromFolders;

        @Option(
                names = "--ledger",
                description = "File remembering what was produced (default: data/watch/<dir name>.ledger).")
        Path ledger;

        @Option(
                names = "--interval-ms",
                defaultValue = "500",
                description = "Scan interval (default: ${DEFAULT-VALUE}).")
        long intervalMs;

        @Option(names = "--once", description = "Scan twice (to let files settle), produce, and exit.")
        boolean once;

        @Override
        public Integer call() throws Exception {
            Path ledgerFile = ledger != null
                    ? ledger
                    : Path.of(
                            "data",
                            "watch",
                            directory.toAbsolutePath().normalize().getFileName() + ".ledger");
            try (ImagePublisher publisher = target.publisher()) {
                DirectoryWatcher watcher =
                        new DirectoryWatcher(directory, ledgerFile, datasetId, labelsFromFolders, publisher);
                if (once) {
                    watcher.scanOnce();
                    Thread.sleep(intervalMs);
                    int produced = watcher.scanOnce();
                    System.err.printf(
                            "Produced %d new files (%d in the ledger %s).%n",
                            produced, watcher.producedCount(), ledgerFile);
                    return 0;
                }
                System.err.printf("Watching %s (ledger %s); Ctrl-C to stop.%n", directory, ledgerFile);
                watcher.run(Duration.ofMillis(intervalMs), () -> !Shutdown.requested());
                return 0;
            }
        }
    }
}
