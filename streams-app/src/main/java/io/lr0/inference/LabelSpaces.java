package io.lr0.inference;

import io.lr0.contract.LabelSpaceRules;
import io.lr0.image.BadImageException;
import io.lr0.runtime.meters.OperationalMetrics;
import io.lr0.runtime.records.LogText;
import io.lr0.schema.DatasetInfo;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-shot classifiers per label space, shared by every task of this instance. Building one encodes every prompt
 * of every class with the text tower (ImageNet: 1,000 classes x 80 templates), which takes minutes on a CPU, so it
 * never runs on a stream thread: a thread of its own encodes while the dataset's records wait on disk in the {@link
 * io.lr0.runtime.labelspace.LabelSpaceGate} and other datasets flow. Class embeddings are cached as files under the cache
 * directory, keyed by the model's digest, the class list and the prompts, so a restart, or another instance sharing
 * the directory, encodes nothing. (Files rather than a compacted topic: ImageNet's embeddings for a ViT-L are 3 MB,
 * over a broker's default record limit.) A dataset whose class list changes gets a new classifier.
 *
 * <p>Large label spaces (from {@link #LARGE_PROMPTS} prompts) are encoded on a thread of their own, so one of
 * 100,000 classes (67 s with the demo model) never holds up a small one published after it. A label space no
 * classifier can be built from ({@link LabelSpaceRules}, or more prompts than {@code inference.label.space.max.prompts})
 * is refused: its records are dead-lettered at once ({@code BAD_LABEL_SPACE}) instead of waiting.
 */
final class LabelSpaces {
    private static final Logger log = LoggerFactory.getLogger(LabelSpaces.class);
    /** How long a label space whose encoding failed waits before it is tried again. */
    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);
    /** Cache file format: magic, version, classes, dimensions, then the class embeddings as floats. */
    private static final int CACHE_MAGIC = 0x4c52300e;

    private static final int CACHE_VERSION = 1;
    /** From this many prompts a label space is encoded on the large ones' thread. */
    static final long LARGE_PROMPTS = 10_000;

    private final DualEncoder model;
    private final Path promptsDir;
    private final Path cacheDir;
    private final OperationalMetrics meters;
    private final long maxPrompts;
    private final Map<String, Building> byDataset = new ConcurrentHashMap<>();
    /** Per dataset, the prompts of its latest encoding and how many are done, for /metrics. */
    private final Map<String, AtomicLong[]> progress = new ConcurrentHashMap<>();

    private final ExecutorService smallEncoder = encoderThread("lr0-label-space-encoder");
    private final ExecutorService largeEncoder = encoderThread("lr0-large-label-space-encoder");

    /**
     * The classifier of one class list, being built (or built, or failed) since {@code startedAt}; or, when
     * {@code refusal} is set, never to be built.
     */
    private record Building(
            List<String> classes, CompletableFuture<Built> classifier, long startedAt, BadImageException refusal) {}

    /** A classifier and where it came from: {@code model} (encoded) or {@code cache}. */
    private record Built(ZeroShotClassifier classifier, String from) {}

    LabelSpaces(DualEncoder model, Path promptsDir, Path cacheDir, long maxPrompts, OperationalMetrics meters) {
        this.model = model;
        this.promptsDir = promptsDir;
        this.cacheDir = cacheDir;
        this.maxPrompts = maxPrompts;
        this.meters = meters;
    }

    private static ExecutorService encoderThread(String name) {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The classifier of {@code info}'s class list when it is ready; else null, with its building started (once, on
     * an encoder thread). Never blocks.
     *
     * @throws BadImageException ({@code BAD_LABEL_SPACE}) when no classifier can be built from the class list
     */
    ZeroShotClassifier classifier(DatasetInfo info) {
        List<String> classes = List.copyOf(info.getClasses());
        long now = System.currentTimeMillis();
        Building building = byDataset.compute(info.getId(), (dataset, current) -> {
            boolean retry = current != null
                    && current.classifier().isCompletedExceptionally()
                    && now - current.startedAt() > RETRY_AFTER.toMillis();
            return current != null && current.classes().equals(classes) && !retry
                    ? current
                    : building(dataset, classes, now);
        });
        if (building.refusal() != null) {
            throw building.refusal();
        }
        CompletableFuture<Built> built = building.classifier();
        return built.isDone() && !built.isCompletedExceptionally()
                ? built.join().classifier()
                : null;
    }

    /**
     * Whether records of {@code info} can be classified now (if not, the encoding of its prompts has started).
     *
     * @throws BadImageException ({@code BAD_LABEL_SPACE}) when they never can
     */
    boolean usable(DatasetInfo info) {
        return classifier(info) != null;
    }

    /** A building of {@code classes}: refused, or started on the encoder thread of its size. */
    private Building building(String dataset, List<String> classes, long now) {
        String problem = LabelSpaceRules.problem(classes).orElse(null);
        PromptSet prompts = null;
        if (problem == null) {
            try {
                prompts = PromptSet.forDataset(dataset, promptsDir);
            } catch (IOException | RuntimeException e) {
                // An unreadable prompts file is the operator's to fix: the building fails and is tried again.
                return new Building(classes, CompletableFuture.failedFuture(cannotEncode(dataset, e)), now, null);
            }
            long total = (long) classes.size() * prompts.templates().size();
            if (total > maxPrompts) {
                problem = "it has " + total + " prompts (classes x prompt templates), more than "
                        + "inference.label.space.max.prompts=" + maxPrompts;
            }
        }
        if (problem != null) {
            log.warn("Label space '{}' is refused, its records are dead-lettered: {}", LogText.of(dataset), problem);
            return new Building(
                    classes,
                    CompletableFuture.failedFuture(new IllegalStateException(problem)),
                    now,
                    new BadImageException(
                            BadImageException.Reason.BAD_LABEL_SPACE,
                            "the label space of dataset '" + LogText.of(dataset) + "' is refused: " + problem
                                    + ". Publish a usable one, then replay"));
        }
        return new Building(classes, start(dataset, classes, prompts), now, null);
    }

    private CompletableFuture<Built> start(String dataset, List<String> classes, PromptSet prompts) {
        boolean large = (long) classes.size() * prompts.templates().size() >= LARGE_PROMPTS;
        CompletableFuture<Built> built = CompletableFuture.supplyAsync(
                () -> build(dataset, classes, prompts), large ? largeEncoder : smallEncoder);
        // Counted once the future is complete, so whoever sees the count sees the classifier ready.
        built.thenAccept(done -> meters.counter(
                        OperationalMetrics.LABEL_SPACE_ENCODINGS,
                        "dataset",
                        dataset,
                        "from",
                        done.from(),
                        "model",
                        model.spec().name())
                .increment());
        return built;
    }

    private Built build(String dataset, List<String> classes, PromptSet prompts) {
        try {
            Path cached = cacheDir.resolve(cacheKey(classes, prompts) + ".emb");
            if (Files.exists(cached)) {
                try {
                    ZeroShotClassifier classifier = read(cached, classes);
                    log.info(
                            "Label space '{}': {} classes read from the embedding cache {}",
                            LogText.of(dataset),
                            classes.size(),
                            cached);
                    return new Built(classifier, "cache");
                } catch (IOException e) {
                    // A cut or foreign file: encoding again replaces it.
                    log.warn("Embedding cache {} is unreadable ({}): encoding again", cached, e.toString());
                }
            }
            ZeroShotClassifier classifier = encode(dataset, classes, prompts);
            write(cached, classifier);
            return new Built(classifier, "model");
        } catch (IOException | RuntimeException e) {
            throw cannotEncode(dataset, e);
        }
    }

    /** Logs that {@code dataset}'s label space cannot be encoded now (it is tried again after {@link #RETRY_AFTER}). */
    private static RuntimeException cannotEncode(String dataset, Exception error) {
        log.error(
                "Label space '{}' cannot be encoded (tried again in {} s; its records wait): {}",
                LogText.of(dataset),
                RETRY_AFTER.toSeconds(),
                LogText.of(String.valueOf(error.getMessage())),
                error);
        return error instanceof RuntimeException runtime ? runtime : new IllegalStateException(error);
    }

    private ZeroShotClassifier encode(String dataset, List<String> classes, PromptSet prompts) {
        int total = classes.size() * prompts.templates().size();
        AtomicLong[] counts = progress.computeIfAbsent(dataset, d -> {
            AtomicLong[] pair = {new AtomicLong(), new AtomicLong()};
            // Per model too: several models may encode the same dataset's label space side by side.
            String name = model.spec().name();
            meters.gauge(OperationalMetrics.LABEL_SPACE_PROMPTS, pair[0], "dataset", d, "model", name);
            meters.gauge(OperationalMetrics.LABEL_SPACE_PROMPTS_ENCODED, pair[1], "dataset", d, "model", name);
            return pair;
        });
        counts[0].set(total);
        AtomicLong encoded = counts[1];
        encoded.set(0);
        log.info(
                "Label space '{}': encoding {} classes x {} prompt templates = {} prompts on the encoder thread",
                LogText.of(dataset),
                classes.size(),
                prompts.templates().size(),
                total);
        long start = System.nanoTime();
        long[] nextLog = {start + Duration.ofSeconds(10).toNanos()};
        ZeroShotClassifier classifier;
        try (TextEncoder texts = model.newTextEncoder()) {
            classifier = ZeroShotClassifier.build(texts, model.spec().logitScale(), classes, prompts, done -> {
                encoded.set(done);
                long now = System.nanoTime();
                if (now > nextLog[0]) {
                    nextLog[0] = now + Duration.ofSeconds(10).toNanos();
                    log.info(
                            "Label space '{}': {} of {} prompts encoded ({} s)",
                            LogText.of(dataset),
                            done,
                            total,
                            (now - start) / 1_000_000_000);
                }
            });
        }
        log.info(
                "Label space '{}': {} classes x {} prompt templates encoded in {} ms",
                LogText.of(dataset),
                classes.size(),
                prompts.templates().size(),
                (System.nanoTime() - start) / 1_000_000);
        return classifier;
    }

    /** The cache key: the model's digest, the class list, and the prompts each class gets. */
    private String cacheKey(List<String> classes, PromptSet prompts) throws IOException {
        MessageDigest digest = ZeroShotModel.sha256();
        digest.update(model.digest().getBytes(StandardCharsets.UTF_8));
        for (String label : classes) {
            digest.update((byte) 0);
            digest.update(label.getBytes(StandardCharsets.UTF_8));
        }
        digest.update((byte) 1);
        digest.update(
                new TreeMap<>(Map.of("templates", prompts.templates(), "names", new TreeMap<>(prompts.classNames())))
                        .toString()
                        .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    private ZeroShotClassifier read(Path file, List<String> classes) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                DataInputStream data = new DataInputStream(new BufferedInputStream(in))) {
            if (data.readInt() != CACHE_MAGIC || data.readInt() != CACHE_VERSION || data.readInt() != classes.size()) {
                throw new IOException(file + " is not an embedding cache of this label space");
            }
            float[][] embeddings = new float[classes.size()][data.readInt()];
            for (float[] row : embeddings) {
                for (int d = 0; d < row.length; d++) {
                    row[d] = data.readFloat();
                }
            }
            return ZeroShotClassifier.of(classes, embeddings, model.spec().logitScale());
        }
    }

    /** Written to a temporary file and moved into place, so a reader never sees half a file. */
    private void write(Path file, ZeroShotClassifier classifier) throws IOException {
        Files.createDirectories(cacheDir);
        Path partial = Files.createTempFile(cacheDir, "embeddings", ".partial");
        float[][] embeddings = classifier.classEmbeddings();
        try (OutputStream out = Files.newOutputStream(partial);
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out))) {
            data.writeInt(CACHE_MAGIC);
            data.writeInt(CACHE_VERSION);
            data.writeInt(embeddings.length);
            data.writeInt(embeddings[0].length);
            for (float[] row : embeddings) {
                for (float value : row) {
                    data.writeFloat(value);
                }
            }
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
