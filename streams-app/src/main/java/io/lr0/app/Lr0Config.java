package io.lr0.app;

import io.lr0.contract.RecordText;
import io.lr0.contract.SrMethods;
import io.lr0.contract.TopicLayout;
import io.lr0.contract.Topics;
import io.lr0.degrade.DegradeSettings;
import io.lr0.degrade.RecordLimits;
import io.lr0.http.HttpSecurity;
import io.lr0.image.ImageLimits;
import io.lr0.inference.InferenceSettings;
import io.lr0.metrics.AlertRule;
import io.lr0.metrics.MetricsSettings;
import io.lr0.runtime.labelspace.LabelSpaceWait;
import io.lr0.runtime.stage.StateStores;
import io.lr0.superres.SuperResolutionSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of lr0-streams, typed and documented in one place. Sources, later ones winning: built-in defaults,
 * {@code lr0.properties}, environment variables {@code LR0_<KEY>} (upper case, '.' and '-' as '_'), command-line
 * {@code --set key=value}. Unknown keys and invalid values fail at start-up with the key named.
 * Keys under {@code kafka.} are passed to every Kafka client (security settings, for example); keys under
 * {@code streams.} to Kafka Streams only; per-dataset resolutions are {@code degrade.resolutions.<dataset>}.
 */
public final class Lr0Config extends AbstractConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String STATE_STORES = "state.stores";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String NUM_STREAM_THREADS = "num.stream.threads";
    public static final String STARTUP_TIMEOUT_MS = "startup.timeout.ms";
    public static final String TOPIC_IMAGES = "topic.images";
    public static final String TOPIC_VARIANTS = "topic.variants";
    public static final String TOPIC_DATASETS = "topic.datasets";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String TOPIC_MIN_INSYNC_REPLICAS = "topic.min.insync.replicas";
    public static final String DEGRADE_ENABLED = "degrade.enabled";
    public static final String DEGRADE_RESOLUTIONS = "degrade.resolutions";
    public static final String DEGRADE_NATIVE = "degrade.native";
    public static final String IMAGE_MAX_BYTES = "image.max.bytes";
    public static final String IMAGE_MAX_PIXELS = "image.max.pixels";
    public static final String RECORD_MAX_TEXT_CHARS = "record.max.text.chars";
    public static final String RECORD_MAX_ATTRIBUTES_BYTES = "record.max.attributes.bytes";
    public static final String TOPIC_PREDICTIONS = "topic.predictions";
    public static final String INFERENCE_ENABLED = "inference.enabled";
    public static final String INFERENCE_CHAINED = "inference.chained";
    public static final String INFERENCE_MODEL = "inference.model";
    public static final String INFERENCE_TOKENIZER = "inference.tokenizer";
    public static final String INFERENCE_PROMPTS_DIR = "inference.prompts.dir";
    public static final String INFERENCE_LABEL_CACHE_DIR = "inference.label.cache.dir";
    public static final String INFERENCE_BATCH_SIZE = "inference.batch.size";
    public static final String INFERENCE_BATCH_MAX_WAIT_MS = "inference.batch.max.wait.ms";
    public static final String INFERENCE_TOP_K = "inference.top.k";
    public static final String INFERENCE_CPU_THREADS = "inference.cpu.threads";
    public static final String INFERENCE_THUMBNAILS = "inference.thumbnails";
    public static final String INFERENCE_LABEL_SPACE_WAIT_MS = "inference.label.space.wait.ms";
    public static final String INFERENCE_LABEL_SPACE_WAIT_MAX_BYTES = "inference.label.space.wait.max.bytes";
    public static final String INFERENCE_LABEL_SPACE_MAX_PROMPTS = "inference.label.space.max.prompts";
    public static final String TOPIC_UPSCALED = "topic.upscaled";
    public static final String SR_METHODS = "sr.methods";
    public static final String SR_LIIF_MODEL = "sr.liif.model";
    public static final String SR_TARGET_SIZE = "sr.target.size";
    public static final String SR_MAX_SCALE = "sr.max.scale";
    public static final String SR_BATCH_SIZE = "sr.batch.size";
    public static final String SR_BATCH_MAX_WAIT_MS = "sr.batch.max.wait.ms";
    public static final String TOPIC_METRICS = "topic.metrics";
    public static final String TOPIC_METRICS_WINDOWED = "topic.metrics.windowed";
    public static final String TOPIC_SUMMARY = "topic.summary";
    public static final String TOPIC_AGREEMENT = "topic.agreement";
    public static final String TOPIC_AGREEMENT_WINDOWED = "topic.agreement.windowed";
    public static final String TOPIC_AGREEMENT_SUMMARY = "topic.agreement.summary";
    public static final String TOPIC_CALIBRATION = "topic.calibration";
    public static final String TOPIC_ESTIMATED = "topic.estimated";
    public static final String TOPIC_ESTIMATED_WINDOWED = "topic.estimated.windowed";
    public static final String TOPIC_ALERTS = "topic.alerts";
    public static final String METRICS_ENABLED = "metrics.enabled";
    public static final String METRICS_WINDOW_MS = "metrics.window.ms";
    public static final String METRICS_WINDOW_GRACE_MS = "metrics.window.grace.ms";
    public static final String METRICS_ALPHA = "metrics.alpha";
    public static final String METRICS_WAR_DEFAULT_WEIGHT = "metrics.war.default.weight";
    public static final String ESTIMATE_CALIBRATION_SOURCES = "estimate.calibration.sources";
    public static final String ESTIMATE_CALIBRATION_MIN_SAMPLES = "estimate.calibration.min.samples";
    public static final String ALERT_RULES = "alert.rules";
    public static final String WAR_WEIGHT_PREFIX = "metrics.war.weight.";
    public static final String DASHBOARD_ENABLED = "dashboard.enabled";
    public static final String DASHBOARD_HOST = "dashboard.host";
    public static final String DASHBOARD_PORT = "dashboard.port";
    public static final String DASHBOARD_ADVERTISED_HOST = "dashboard.advertised.host";
    public static final String PROMETHEUS_MAX_SOURCES = "prometheus.max.sources";
    public static final String EMBEDDED_REGISTRY_BASIC_AUTH_USER_INFO = "embedded.registry.basic.auth.user.info";
    public static final String EMBEDDED_REGISTRY_SSL_KEYSTORE_LOCATION = "embedded.registry.ssl.keystore.location";
    public static final String EMBEDDED_REGISTRY_SSL_KEYSTORE_PASSWORD = "embedded.registry.ssl.keystore.password";
    public static final String DASHBOARD_BASIC_AUTH_USER_INFO = "dashboard.basic.auth.user.info";
    public static final String DASHBOARD_SSL_KEYSTORE_LOCATION = "dashboard.ssl.keystore.location";
    public static final String DASHBOARD_SSL_KEYSTORE_PASSWORD = "dashboard.ssl.keystore.password";
    public static final String DASHBOARD_SSL_TRUSTSTORE_LOCATION = "dashboard.ssl.truststore.location";
    public static final String DASHBOARD_SSL_TRUSTSTORE_PASSWORD = "dashboard.ssl.truststore.password";

    /** Room in a record for what is neither the payload nor the copied text: Avro fields, headers, batch. */
    private static final long RECORD_OVERHEAD_BYTES = 4096;

    /** Prefixes whose keys are passed through rather than defined here. */
    public static final String KAFKA_PREFIX = "kafka.";

    public static final String STREAMS_PREFIX = "streams.";
    public static final String REGISTRY_PREFIX = "schema.registry.";
    public static final String DATASET_RESOLUTIONS_PREFIX = DEGRADE_RESOLUTIONS + ".";

    /** Where a user sets the Streams producers' max.request.size, the most specific first. */
    private static final List<String> MAX_REQUEST_SIZE_KEYS = List.of(
            STREAMS_PREFIX + "producer.max.request.size",
            STREAMS_PREFIX + "max.request.size",
            KAFKA_PREFIX + "max.request.size");

    /**
     * Settings of the label spaces that ship with lr0: resolutions (short sides below their native 28 and 32 pixels)
     * and WAR weights (LR0.FM weighs only its own benchmarks; these take the default, said here so it is no news).
     */
    private static final Map<String, String> BUILT_IN_DATASET_SETTINGS = Map.of(
            DATASET_RESOLUTIONS_PREFIX + "fashion-mnist", "7,10,14,21",
            DATASET_RESOLUTIONS_PREFIX + "fashion-mnist-ca", "7,10,14,21",
            DATASET_RESOLUTIONS_PREFIX + "cifar-10", "8,12,16,24",
            WAR_WEIGHT_PREFIX + "fashion-mnist", "1.0",
            WAR_WEIGHT_PREFIX + "fashion-mnist-ca", "1.0",
            WAR_WEIGHT_PREFIX + "cifar-10", "1.0");

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    BOOTSTRAP_SERVERS,
                    Type.STRING,
                    "127.0.0.1:9092",
                    Importance.HIGH,
                    "Kafka bootstrap servers (host:port, comma-separated).")
            .define(
                    SCHEMA_REGISTRY_URL,
                    Type.STRING,
                    "http://127.0.0.1:8081",
                    Importance.HIGH,
                    "Confluent-compatible schema registry URL(s), comma-separated.")
            .define(
                    APPLICATION_ID,
                    Type.STRING,
                    "lr0-streams",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka Streams application id: instances sharing it split the partitions between them.")
            .define(
                    STATE_DIR,
                    Type.STRING,
                    "data/streams",
                    Importance.MEDIUM,
                    "Directory for Kafka Streams local state.")
            .define(
                    STATE_STORES,
                    Type.STRING,
                    StateStores.IN_MEMORY.configName(),
                    ConfigDef.ValidString.in(StateStores.IN_MEMORY.configName(), StateStores.ROCKSDB.configName()),
                    Importance.MEDIUM,
                    "Where every state store keeps its data: in-memory (restored from its changelog whenever a task "
                            + "starts) or rocksdb (on disk under state.dir). In memory by default: with rocksdb, "
                            + "Kafka Streams can lose records under exactly-once after a fault (docs/operations.md).")
            .define(
                    PROCESSING_GUARANTEE,
                    Type.STRING,
                    "exactly_once_v2",
                    ConfigDef.ValidString.in("exactly_once_v2", "at_least_once"),
                    Importance.MEDIUM,
                    "Kafka Streams processing guarantee.")
            .define(
                    NUM_STREAM_THREADS,
                    Type.INT,
                    2,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Stream threads per instance. Two let the metrics keep up while a thread runs the model.")
            .define(
                    STARTUP_TIMEOUT_MS,
                    Type.LONG,
                    120_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "How long an instance waits at start for Kafka Streams to run (rebalanced, state restored) "
                            + "before it gives up, closes what it opened and exits.")
            .define(
                    TOPIC_IMAGES,
                    Type.STRING,
                    Topics.DEFAULTS.images(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Input topic of ImageRecord values; its dead-letter topic is '<name>-dlq'.")
            .define(
                    TOPIC_VARIANTS,
                    Type.STRING,
                    Topics.DEFAULTS.variants(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Output topic of ImageVariant values, keyed '<imageId>@<resolution>'.")
            .define(
                    TOPIC_DATASETS,
                    Type.STRING,
                    Topics.DEFAULTS.datasets(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted topic of DatasetInfo values (label spaces), keyed by dataset id.")
            .define(
                    TOPIC_PARTITIONS,
                    Type.INT,
                    4,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Partitions of the topics lr0 creates when they are missing (the most instances that share work).")
            .define(
                    TOPIC_REPLICATION_FACTOR,
                    Type.INT,
                    -1,
                    ConfigDef.Range.atLeast(-1),
                    Importance.MEDIUM,
                    "Replicas of each partition of the topics lr0 creates, and of Kafka Streams' internal topics "
                            + "(changelogs, repartitions); -1: the broker's default.replication.factor. Production: 3.")
            .define(
                    TOPIC_MIN_INSYNC_REPLICAS,
                    Type.INT,
                    0,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "Replicas a write must reach before it is acknowledged (min.insync.replicas), on the same "
                            + "topics; 0: the broker's default. Production: 2, with a replication factor of 3.")
            .define(
                    DEGRADE_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Run the degradation stage (images -> image-variants) in this instance. Off in an application "
                            + "that only runs the model on the variants another application writes (docs/architecture.md).")
            .define(
                    DEGRADE_RESOLUTIONS,
                    Type.LIST,
                    "16,32,64,128",
                    positiveInts(),
                    Importance.HIGH,
                    "Default target short sides in pixels. Per dataset: degrade.resolutions.<dataset> "
                            + "(built in: fashion-mnist and fashion-mnist-ca=7,10,14,21, cifar-10=8,12,16,24). A resolution at or "
                            + "above an image's short side is skipped for that image.")
            .define(
                    DEGRADE_NATIVE,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Also emit the native image as the high-resolution reference variant.")
            .define(
                    IMAGE_MAX_BYTES,
                    Type.LONG,
                    Topics.DEFAULT_IMAGE_MAX_BYTES,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Largest accepted image payload in bytes; larger ones go to the dead-letter topic. The native "
                            + "variant carries the payload, so with the text limits it must fit the producer's "
                            + "max.request.size (checked at start).")
            .define(
                    RECORD_MAX_TEXT_CHARS,
                    Type.INT,
                    RecordText.MAX_CHARS,
                    ConfigDef.Range.between(40, 65_536),
                    Importance.LOW,
                    "Most characters of an image's id, source, dataset id, label and group, which every output "
                            + "record copies; an image over it goes to the dead-letter topic (FIELD_LIMIT).")
            .define(
                    RECORD_MAX_ATTRIBUTES_BYTES,
                    Type.INT,
                    65_536,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "Most bytes of an image's attributes (keys and values, UTF-8); over it the image goes to the "
                            + "dead-letter topic (FIELD_LIMIT).")
            .define(
                    IMAGE_MAX_PIXELS,
                    Type.LONG,
                    40_000_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Largest accepted width x height, read from the header before decoding (decompression bombs).")
            .define(
                    TOPIC_PREDICTIONS,
                    Type.STRING,
                    Topics.DEFAULTS.predictions(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Output topic of Prediction values, keyed '<variant key>/<super-resolution method>'.")
            .define(
                    INFERENCE_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Run the zero-shot inference stage (image-variants -> predictions) in this instance.")
            .define(
                    INFERENCE_CHAINED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Where this instance also degrades: classify each image's variants in the degradation's own "
                            + "task instead of reading them back from image-variants (still written, for other "
                            + "consumers and LIIF). Under exactly-once inference then waits for no commit of the "
                            + "degradation; an image inference would refuse is dead-lettered whole. All instances of "
                            + "an application id must agree.")
            .define(
                    INFERENCE_MODEL,
                    Type.LIST,
                    "bundled",
                    ConfigDef.ValidList.anyNonDuplicateValues(false, false),
                    Importance.HIGH,
                    "Model: 'bundled' (lr0's demo model; 'bundled-vit' and 'bundled-vit-lrtk0', its ViT and LR-TK0 demos), a directory or .zip in lr0's model contract, or a URL such "
                            + "as https://resources.djl.ai/demo/pytorch/clip.zip (docs/models.md). Several, "
                            + "comma-separated, classify the same variants from one degradation (a base model and "
                            + "its LR-TK0 variant side by side); each needs its own name. Add models at the end: "
                            + "the first keeps the state of a one-model run.")
            .define(
                    INFERENCE_TOKENIZER,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Tokenizer instead of the model's own tokenizer.json: a path, or a Hugging Face id such as "
                            + "openai/clip-vit-base-patch32 (needs internet). Empty: the model's.")
            .define(
                    INFERENCE_PROMPTS_DIR,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Directory of <dataset>.json prompt files (templates, class names); bundled files and CLIP's "
                            + "'a photo of a {}.' are the fallbacks. Empty: bundled only.")
            .define(
                    INFERENCE_LABEL_CACHE_DIR,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "Where class embeddings are cached (a file per model, class list and prompts), so a restart "
                            + "encodes nothing; instances that share the directory share the files. Empty: "
                            + "<state.dir>/label-embeddings.")
            .define(
                    INFERENCE_BATCH_SIZE,
                    Type.INT,
                    32,
                    ConfigDef.Range.between(1, 4096),
                    Importance.MEDIUM,
                    "Variants per forward pass: a batch runs when this many are pending...")
            .define(
                    INFERENCE_BATCH_MAX_WAIT_MS,
                    Type.LONG,
                    100L,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "...or when the oldest parked variant has waited this long (wall clock, checked every quarter of "
                            + "it, at most every 10 ms), whichever comes first; sooner, while the pipeline keeps up "
                            + "(variants arrive within 1 s of capture), when a check finds no new variant since the "
                            + "last one or, at the recent arrival rate, the batch could not fill within this wait.")
            .define(
                    INFERENCE_CPU_THREADS,
                    Type.INT,
                    0,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "libtorch intra-op threads per forward pass on CPU; 0: the cores divided by num.stream.threads, "
                            + "so concurrent batches of the stream threads do not oversubscribe the cores.")
            .define(
                    INFERENCE_TOP_K,
                    Type.INT,
                    5,
                    ConfigDef.Range.between(1, 1000),
                    Importance.LOW,
                    "Labels with scores kept in each prediction.")
            .define(
                    INFERENCE_THUMBNAILS,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Put a PNG thumbnail (fitted into a 64 px box) of the classified image in each prediction, for the dashboard.")
            .define(
                    INFERENCE_LABEL_SPACE_WAIT_MS,
                    Type.LONG,
                    600_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "How long a record whose dataset has no label space on the datasets topic waits for it "
                            + "before it is dead-lettered with reason NO_LABEL_SPACE, to replay once the label space "
                            + "is published. The records wait before inference: chained, the images themselves.")
            .define(
                    INFERENCE_LABEL_SPACE_WAIT_MAX_BYTES,
                    Type.LONG,
                    64L * 1024 * 1024,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "The most the records waiting for label spaces may hold in an instance, per input topic (on the "
                            + "heap with state.stores=in-memory, on disk with rocksdb); a record beyond it is "
                            + "dead-lettered at once (NO_LABEL_SPACE). 0: none waits.")
            .define(
                    INFERENCE_LABEL_SPACE_MAX_PROMPTS,
                    Type.LONG,
                    100_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "The most prompts (classes x prompt templates) a label space may have: each is a forward pass "
                            + "of the text tower (ImageNet: 1,000 x 80 = 80,000). A larger one is refused, and its "
                            + "records are dead-lettered at once with reason BAD_LABEL_SPACE.")
            .define(
                    TOPIC_UPSCALED,
                    Type.STRING,
                    Topics.DEFAULTS.upscaled(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Topic of low-resolution variants after learned super-resolution (key "
                            + "'<variant key>/<method>').")
            .define(
                    SR_METHODS,
                    Type.LIST,
                    "bicubic",
                    knownSrMethods(),
                    Importance.HIGH,
                    "Super-resolution methods each low-resolution variant is classified after: bicubic (the model's "
                            + "pre-processing, the LR0.FM protocol) and/or liif (LIIF to the model's input size "
                            + "first). The native variant is always classified once, as bicubic.")
            .define(
                    SR_LIIF_MODEL,
                    Type.STRING,
                    "bundled",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "LIIF model: 'bundled' (lr0's own, trained on Debian-packaged photos), 'bundled-fashion-mnist' "
                            + "(that one fine-tuned on Fashion-MNIST's train split; lr0 demo's default), a TorchScript "
                            + "file or a directory holding liif.pt (e.g. official weights converted by "
                            + "tools/liif/convert_official.py).")
            .define(
                    SR_TARGET_SIZE,
                    Type.INT,
                    0,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "Short side LIIF up-samples to; 0: the inference model's input size.")
            .define(
                    SR_MAX_SCALE,
                    Type.DOUBLE,
                    30.0,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Largest super-resolution factor; a variant needing more is dead-lettered (SCALE_TOO_LARGE).")
            .define(
                    SR_BATCH_SIZE,
                    Type.INT,
                    16,
                    ConfigDef.Range.between(1, 4096),
                    Importance.MEDIUM,
                    "Variants of one size up-sampled per LIIF forward pass.")
            .define(
                    SR_BATCH_MAX_WAIT_MS,
                    Type.LONG,
                    100L,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "...or when the oldest parked variant has waited this long; sooner, as for inference, when no "
                            + "variant arrived since the last check or the batch could not fill within this wait.")
            .define(
                    TOPIC_METRICS,
                    Type.STRING,
                    Topics.DEFAULTS.metrics(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted topic of cumulative RobustnessMetric values, keyed 'model/dataset/resolution/method'.")
            .define(
                    TOPIC_METRICS_WINDOWED,
                    Type.STRING,
                    Topics.DEFAULTS.metricsWindowed(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Topic of per-window RobustnessMetric values, keyed 'model/dataset/resolution/method@windowStartMillis'.")
            .define(
                    TOPIC_SUMMARY,
                    Type.STRING,
                    Topics.DEFAULTS.summary(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted topic of RobustnessSummary values (SAR, WAR), keyed 'model/resolution/method'.")
            .define(
                    TOPIC_AGREEMENT,
                    Type.STRING,
                    Topics.DEFAULTS.agreement(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted topic of AgreementMetric values (label-free: agreement with native resolution), keyed "
                            + "'model/source/resolution/method'.")
            .define(
                    TOPIC_AGREEMENT_WINDOWED,
                    Type.STRING,
                    Topics.DEFAULTS.agreementWindowed(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Topic of per-window AgreementMetric values, keyed "
                            + "'model/source/resolution/method@windowStartMillis'.")
            .define(
                    TOPIC_AGREEMENT_SUMMARY,
                    Type.STRING,
                    Topics.DEFAULTS.agreementSummary(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted topic of AgreementSummary values (agreement across resolutions), keyed "
                            + "'model/source/method'.")
            .define(
                    TOPIC_CALIBRATION,
                    Type.STRING,
                    Topics.DEFAULTS.calibration(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted topic of Calibration values (how top-1 scores translate into accuracy, learnt from "
                            + "labelled predictions), keyed 'model/dataset/resolution/method'; read back to estimate, "
                            + "so another deployment's calibration can be written to it.")
            .define(
                    TOPIC_ESTIMATED,
                    Type.STRING,
                    Topics.DEFAULTS.estimated(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted topic of EstimatedAccuracy values (top-1 estimated without labels), keyed "
                            + "'model/dataset/source[#group]/resolution/method'.")
            .define(
                    TOPIC_ESTIMATED_WINDOWED,
                    Type.STRING,
                    Topics.DEFAULTS.estimatedWindowed(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Topic of per-window EstimatedAccuracy values, keyed "
                            + "'model/dataset/source[#group]/resolution/method@windowStartMillis'.")
            .define(
                    TOPIC_ALERTS,
                    Type.STRING,
                    Topics.DEFAULTS.alerts(),
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Compacted topic of Alert values (a rule firing or resolved on a subject), keyed "
                            + "'rule/subject'.")
            .define(
                    METRICS_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Run the metrics stage (predictions -> robustness metrics) in this instance.")
            .define(
                    METRICS_WINDOW_MS,
                    Type.LONG,
                    60_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Size of the tumbling windows of the windowed metrics and agreement (event time: the capture "
                            + "timestamp).")
            .define(
                    METRICS_WINDOW_GRACE_MS,
                    Type.LONG,
                    300_000L,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "How long after a window's end its predictions are still counted in it: predictions of a slower "
                            + "path (LIIF on CPU, a backlog) arrive after those of the same capture time on a faster "
                            + "one. Later ones count only in the cumulative metrics.")
            .define(
                    METRICS_ALPHA,
                    Type.DOUBLE,
                    200.0,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "alpha of LR0.FM's improved relative robustness Gamma = gamma * (1 - exp(-alpha * eps^2)).")
            .define(
                    METRICS_WAR_DEFAULT_WEIGHT,
                    Type.DOUBLE,
                    1.0,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "WAR weight of a dataset not in LR0.FM's table; per dataset: metrics.war.weight.<dataset>.")
            .define(
                    ESTIMATE_CALIBRATION_SOURCES,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Sources whose labelled predictions calibrate the estimated accuracy, each a source "
                            + "(dataset:fashion-mnist) or a source and group (dataset:fashion-mnist-ca#common); "
                            + "empty: every labelled prediction. List only labelled data of the kind the unlabelled "
                            + "sources see, and leave a labelled source out to check the estimate against it.")
            .define(
                    ESTIMATE_CALIBRATION_MIN_SAMPLES,
                    Type.LONG,
                    100L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Labelled predictions a (model, dataset, resolution, method) needs before it is calibrated and "
                            + "its sources estimated (ATC's threshold from fewer is noise).")
            .define(
                    ALERT_RULES,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Names of the alert rules, each set by alert.rule.<name>.* (measure, below, resolve.at, windows, "
                            + "min.samples and filters; docs/configuration.md).")
            .define(
                    DASHBOARD_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Serve the query API and dashboard from this instance (needs metrics.enabled).")
            .define(
                    PROMETHEUS_MAX_SOURCES,
                    Type.INT,
                    20,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "Sources per instance that /metrics names in the robustness gauges, those with the most "
                            + "predictions; the others are aggregated under source=\"other\" (bounded label "
                            + "cardinality).")
            .define(
                    DASHBOARD_HOST,
                    Type.STRING,
                    "127.0.0.1",
                    Importance.MEDIUM,
                    "Address the HTTP server binds; 127.0.0.1 keeps it local, 0.0.0.0 opens it to the network.")
            .define(
                    DASHBOARD_PORT,
                    Type.INT,
                    8088,
                    ConfigDef.Range.between(0, 65535),
                    Importance.MEDIUM,
                    "HTTP port of the query API and dashboard; 0 picks a free one.")
            .define(
                    DASHBOARD_ADVERTISED_HOST,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "Host other instances use to reach this one's API (application.server); empty: dashboard.host.")
            .define(
                    EMBEDDED_REGISTRY_BASIC_AUTH_USER_INFO,
                    Type.PASSWORD,
                    "",
                    Importance.LOW,
                    "lr0 demo / lr0 broker: 'user:password' the embedded schema registry requires (HTTP basic auth); "
                            + "lr0's own clients in the same command are given it. Empty: no auth. Never logged.")
            .define(
                    EMBEDDED_REGISTRY_SSL_KEYSTORE_LOCATION,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "lr0 demo / lr0 broker: PKCS12/JKS key store; the embedded registry then serves HTTPS only, "
                            + "and lr0's own clients trust that key's certificate. Empty: plain HTTP.")
            .define(
                    EMBEDDED_REGISTRY_SSL_KEYSTORE_PASSWORD,
                    Type.PASSWORD,
                    "",
                    Importance.LOW,
                    "Password of the embedded registry's key store.")
            .define(
                    DASHBOARD_BASIC_AUTH_USER_INFO,
                    Type.PASSWORD,
                    "",
                    Importance.MEDIUM,
                    "'user:password' required (HTTP basic auth) on every dashboard, API and /metrics request, and "
                            + "sent on calls between instances; empty: no auth. Never logged.")
            .define(
                    DASHBOARD_SSL_KEYSTORE_LOCATION,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "PKCS12/JKS key store: serve the dashboard over HTTPS with its key; empty: plain HTTP.")
            .define(
                    DASHBOARD_SSL_KEYSTORE_PASSWORD,
                    Type.PASSWORD,
                    "",
                    Importance.MEDIUM,
                    "Password of the dashboard key store.")
            .define(
                    DASHBOARD_SSL_TRUSTSTORE_LOCATION,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "What this instance trusts when it calls the other instances over HTTPS; empty: the key "
                            + "store's own certificate (instances sharing one certificate).")
            .define(
                    DASHBOARD_SSL_TRUSTSTORE_PASSWORD,
                    Type.PASSWORD,
                    "",
                    Importance.LOW,
                    "Password of the dashboard trust store.");

    private final Map<String, String> passThrough;

    private Lr0Config(Map<String, String> values, Map<String, String> passThrough) {
        super(DEFINITION, values, false);
        this.passThrough = passThrough;
    }

    /** Built from explicit key/value pairs only (tests, embedding). */
    public static Lr0Config of(Map<String, String> values) {
        return load(null, Map.of(), values);
    }

    /**
     * Loads defaults, then {@code propertiesFile} (if not null and present), then {@code LR0_} entries of
     * {@code environment}, then {@code overrides}.
     */
    public static Lr0Config load(Path propertiesFile, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(BUILT_IN_DATASET_SETTINGS);
        Map<String, String> origin = new HashMap<>();
        if (propertiesFile != null && Files.exists(propertiesFile)) {
            Properties file = new Properties();
            try (Reader reader = Files.newBufferedReader(propertiesFile)) {
                file.load(reader);
            } catch (IOException e) {
                throw new ConfigException("Cannot read " + propertiesFile + ": " + e.getMessage());
            }
            file.stringPropertyNames()
                    .forEach(key -> put(merged, origin, key, file.getProperty(key), propertiesFile.toString()));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith("LR0_") && !name.equals("LR0_LOG_LEVEL") && !name.equals("LR0_JAVA_OPTS")) {
                put(merged, origin, keyOfEnvironmentVariable(name.substring(4)), value, "environment variable " + name);
            }
        });
        overrides.forEach((key, value) -> put(merged, origin, key, value, "command line"));

        Map<String, String> defined = new TreeMap<>();
        Map<String, String> passThrough = new TreeMap<>();
        List<String> unknown = new ArrayList<>();
        merged.forEach((key, value) -> {
            if (DEFINITION.names().contains(key)) {
                defined.put(key, value);
            } else if (key.startsWith(KAFKA_PREFIX)
                    || key.startsWith(STREAMS_PREFIX)
                    || key.startsWith(REGISTRY_PREFIX)) {
                passThrough.put(key, value);
            } else if (key.startsWith(WAR_WEIGHT_PREFIX)) {
                try {
                    if (Double.parseDouble(value) < 0) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new ConfigException(key, value, "expected a weight of 0 or more");
                }
                passThrough.put(key, value);
            } else if (key.startsWith(AlertRule.PREFIX)) {
                // Checked as a whole once every key is read (AlertRule.parse).
                passThrough.put(key, value);
            } else if (key.startsWith(DATASET_RESOLUTIONS_PREFIX)) {
                positiveInts().ensureValid(key, ConfigDef.parseType(key, value, Type.LIST));
                passThrough.put(key, value);
            } else {
                unknown.add("'" + key + "' (from " + origin.getOrDefault(key, "defaults") + ")");
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConfigException(
                    "Unknown configuration key(s) " + unknown + "; see docs/configuration.md for the valid keys");
        }
        Lr0Config config = new Lr0Config(defined, passThrough);
        if (!config.degradeEnabled()
                && !config.inferenceEnabled()
                && !config.liifEnabled()
                && !config.metricsEnabled()) {
            throw new ConfigException("Every stage is off (" + DEGRADE_ENABLED + ", " + INFERENCE_ENABLED + " and "
                    + METRICS_ENABLED + " false, " + SR_METHODS + " without liif): an instance would have nothing "
                    + "to do");
        }
        config.checkNativeVariantFits();
        config.alertRules();
        return config;
    }

    /**
     * The largest native variant (the payload, the copied text at 3 bytes a character in UTF-8, and room for the
     * rest of the record) must fit the producer's max.request.size, or the largest accepted image could not be
     * written and would jam its partition.
     */
    private void checkNativeVariantFits() {
        long nativeVariant = largestNativeVariantBytes();
        long maxRequestSize = producerMaxRequestSize();
        if (nativeVariant > maxRequestSize) {
            throw new ConfigException(
                    IMAGE_MAX_BYTES,
                    getLong(IMAGE_MAX_BYTES),
                    "with " + RECORD_MAX_TEXT_CHARS
                            + "=" + getInt(RECORD_MAX_TEXT_CHARS) + " a native variant can take " + nativeVariant
                            + " bytes, over the producer's max.request.size=" + maxRequestSize + ": lower it, or raise "
                            + STREAMS_PREFIX + "producer.max.request.size (and the topics' max.message.bytes)");
        }
    }

    /**
     * The largest native variant: the payload, the copied text at 3 bytes a character in UTF-8, and room for the
     * rest of the record. The topic of variants must take it (checked at start).
     */
    public long largestNativeVariantBytes() {
        return getLong(IMAGE_MAX_BYTES) + 5L * 3 * getInt(RECORD_MAX_TEXT_CHARS) + RECORD_OVERHEAD_BYTES;
    }

    /**
     * The max.request.size the Streams producers get: the most specific setting, else large enough for a dead
     * letter of any record a broker accepts by default ({@link Topics#DEAD_LETTER_MAX_MESSAGE_BYTES}).
     */
    public long producerMaxRequestSize() {
        return MAX_REQUEST_SIZE_KEYS.stream()
                .filter(passThrough::containsKey)
                .map(key -> (Long) ConfigDef.parseType(key, passThrough.get(key), Type.LONG))
                .findFirst()
                .orElse((long) Topics.DEAD_LETTER_MAX_MESSAGE_BYTES);
    }

    /** Maps {@code BOOTSTRAP_SERVERS} to the defined key it spells, or to the lower-case dotted form. */
    private static String keyOfEnvironmentVariable(String suffix) {
        String normalized = suffix.toLowerCase(Locale.ROOT);
        for (String name : DEFINITION.names()) {
            if (name.replace('.', '_').replace('-', '_').equals(normalized)) {
                return name;
            }
        }
        return normalized.replace('_', '.');
    }

    private static void put(
            Map<String, String> merged, Map<String, String> origin, String key, String value, String source) {
        merged.put(key.trim(), value.trim());
        origin.put(key.trim(), source);
    }

    private static ConfigDef.Validator knownSrMethods() {
        return (name, value) -> {
            List<?> methods = (List<?>) value;
            if (methods.isEmpty()) {
                throw new ConfigException(name, value, "name at least one of " + SrMethods.ALL);
            }
            for (Object method : methods) {
                if (!SrMethods.ALL.contains(method.toString().trim())) {
                    throw new ConfigException(
                            name, value, "unknown method '" + method + "'; the methods are " + SrMethods.ALL);
                }
            }
        };
    }

    private static ConfigDef.Validator positiveInts() {
        return (name, value) -> {
            for (Object item : (List<?>) value) {
                try {
                    if (Integer.parseInt(item.toString().trim()) <= 0) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new ConfigException(name, value, "expected positive whole numbers of pixels");
                }
            }
        };
    }

    /** The names of the topics. */
    public Topics topics() {
        return new Topics(
                getString(TOPIC_IMAGES),
                getString(TOPIC_VARIANTS),
                getString(TOPIC_UPSCALED),
                getString(TOPIC_PREDICTIONS),
                getString(TOPIC_METRICS),
                getString(TOPIC_METRICS_WINDOWED),
                getString(TOPIC_SUMMARY),
                getString(TOPIC_AGREEMENT),
                getString(TOPIC_AGREEMENT_WINDOWED),
                getString(TOPIC_AGREEMENT_SUMMARY),
                getString(TOPIC_CALIBRATION),
                getString(TOPIC_ESTIMATED),
                getString(TOPIC_ESTIMATED_WINDOWED),
                getString(TOPIC_ALERTS),
                getString(TOPIC_DATASETS));
    }

    /** The degradation's settings. */
    public DegradeSettings degradeSettings() {
        Map<String, List<Integer>> byDataset = new HashMap<>();
        passedThrough(DATASET_RESOLUTIONS_PREFIX)
                .forEach((dataset, value) -> byDataset.put(
                        dataset,
                        resolutions(ConfigDef.parseType(DATASET_RESOLUTIONS_PREFIX + dataset, value, Type.LIST))));
        return new DegradeSettings(
                topics().variants(),
                resolutions(getList(DEGRADE_RESOLUTIONS)),
                byDataset,
                getBoolean(DEGRADE_NATIVE),
                imageLimits(),
                new RecordLimits(getInt(RECORD_MAX_TEXT_CHARS), getInt(RECORD_MAX_ATTRIBUTES_BYTES)));
    }

    /** Short sides in pixels, ascending, each once. */
    private static List<Integer> resolutions(Object list) {
        return ((List<?>) list)
                .stream()
                        .map(item -> Integer.parseInt(item.toString().trim()))
                        .distinct()
                        .sorted()
                        .toList();
    }

    /** The LIIF stage's settings. */
    public SuperResolutionSettings superResolutionSettings() {
        return new SuperResolutionSettings(
                topics().upscaled(),
                getString(SR_LIIF_MODEL),
                getInt(SR_TARGET_SIZE),
                getDouble(SR_MAX_SCALE),
                getInt(SR_BATCH_SIZE),
                Duration.ofMillis(getLong(SR_BATCH_MAX_WAIT_MS)),
                imageLimits());
    }

    /** The inference stage's settings. */
    public InferenceSettings inferenceSettings() {
        String promptsDir = getString(INFERENCE_PROMPTS_DIR);
        String labelCacheDir = getString(INFERENCE_LABEL_CACHE_DIR);
        return new InferenceSettings(
                topics().predictions(),
                getList(INFERENCE_MODEL),
                getString(INFERENCE_TOKENIZER),
                promptsDir.isBlank() ? null : Path.of(promptsDir),
                labelCacheDir.isBlank()
                        ? Path.of(getString(STATE_DIR)).resolve("label-embeddings")
                        : Path.of(labelCacheDir),
                getLong(INFERENCE_LABEL_SPACE_MAX_PROMPTS),
                inferenceCpuThreads(),
                getInt(INFERENCE_BATCH_SIZE),
                Duration.ofMillis(getLong(INFERENCE_BATCH_MAX_WAIT_MS)),
                getInt(INFERENCE_TOP_K),
                getBoolean(INFERENCE_THUMBNAILS),
                srMethods().contains(SrMethods.BICUBIC),
                imageLimits());
    }

    /** How records whose dataset has no label space yet wait for it, before inference. */
    public LabelSpaceWait labelSpaceWait() {
        return new LabelSpaceWait(
                topics().datasets(),
                Duration.ofMillis(getLong(INFERENCE_LABEL_SPACE_WAIT_MS)),
                getLong(INFERENCE_LABEL_SPACE_WAIT_MAX_BYTES),
                getInt(RECORD_MAX_TEXT_CHARS),
                stateStores());
    }

    /** The alert rules (alert.rules, alert.rule.<name>.*), checked: a bad one is refused with its key. */
    public List<AlertRule> alertRules() {
        return AlertRule.parse(getList(ALERT_RULES), passedThrough(AlertRule.PREFIX));
    }

    /** The metrics stage's settings. */
    public MetricsSettings metricsSettings() {
        Map<String, Double> warWeights = new HashMap<>();
        passedThrough(WAR_WEIGHT_PREFIX)
                .forEach((dataset, weight) -> warWeights.put(dataset, Double.parseDouble(weight)));
        Topics topics = topics();
        return new MetricsSettings(
                topics.metrics(),
                topics.metricsWindowed(),
                topics.summary(),
                topics.agreement(),
                topics.agreementWindowed(),
                topics.agreementSummary(),
                topics.calibration(),
                topics.estimated(),
                topics.estimatedWindowed(),
                topics.alerts(),
                alertRules(),
                getList(ESTIMATE_CALIBRATION_SOURCES),
                getLong(ESTIMATE_CALIBRATION_MIN_SAMPLES),
                Duration.ofMillis(getLong(METRICS_WINDOW_MS)),
                Duration.ofMillis(getLong(METRICS_WINDOW_GRACE_MS)),
                getDouble(METRICS_ALPHA),
                warWeights,
                getDouble(METRICS_WAR_DEFAULT_WEIGHT),
                stateStores());
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL);
    }

    public boolean degradeEnabled() {
        return getBoolean(DEGRADE_ENABLED);
    }

    /** Whether inference takes the degradation's output in the same task (both stages run here and chaining is on). */
    public boolean inferenceChained() {
        return degradeEnabled() && inferenceEnabled() && getBoolean(INFERENCE_CHAINED);
    }

    public boolean inferenceEnabled() {
        return getBoolean(INFERENCE_ENABLED);
    }

    /** libtorch intra-op threads: the setting, or the cores shared out among the stream threads. */
    public int inferenceCpuThreads() {
        int configured = getInt(INFERENCE_CPU_THREADS);
        return configured > 0
                ? configured
                : Math.max(1, Runtime.getRuntime().availableProcessors() / getInt(NUM_STREAM_THREADS));
    }

    /** The configured super-resolution methods, trimmed. */
    public List<String> srMethods() {
        return getList(SR_METHODS).stream().map(String::trim).distinct().toList();
    }

    /** Whether a learned super-resolution stage runs (LIIF is configured). */
    public boolean liifEnabled() {
        return srMethods().contains(SrMethods.LIIF);
    }

    public boolean metricsEnabled() {
        return getBoolean(METRICS_ENABLED);
    }

    /** The embedded schema registry's basic auth and TLS (lr0 demo, lr0 broker). */
    public HttpSecurity embeddedRegistrySecurity() {
        return HttpSecurity.of(
                "embedded registry",
                getPassword(EMBEDDED_REGISTRY_BASIC_AUTH_USER_INFO).value(),
                getString(EMBEDDED_REGISTRY_SSL_KEYSTORE_LOCATION),
                getPassword(EMBEDDED_REGISTRY_SSL_KEYSTORE_PASSWORD).value(),
                "",
                "");
    }

    /** The schema.registry.* client settings that reach the embedded registry as it is protected here. */
    public Map<String, String> embeddedRegistryClientSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        String userInfo = getPassword(EMBEDDED_REGISTRY_BASIC_AUTH_USER_INFO).value();
        if (!userInfo.isEmpty()) {
            settings.put(REGISTRY_PREFIX + "basic.auth.credentials.source", "USER_INFO");
            settings.put(REGISTRY_PREFIX + "basic.auth.user.info", userInfo);
        }
        String keyStore = getString(EMBEDDED_REGISTRY_SSL_KEYSTORE_LOCATION);
        if (!keyStore.isEmpty()) {
            settings.put(REGISTRY_PREFIX + "ssl.truststore.location", keyStore);
            settings.put(
                    REGISTRY_PREFIX + "ssl.truststore.password",
                    getPassword(EMBEDDED_REGISTRY_SSL_KEYSTORE_PASSWORD).value());
        }
        return settings;
    }

    /** The dashboard's basic auth and TLS, checked (the key store is opened) now. */
    public HttpSecurity dashboardSecurity() {
        return HttpSecurity.of(
                "dashboard",
                getPassword(DASHBOARD_BASIC_AUTH_USER_INFO).value(),
                getString(DASHBOARD_SSL_KEYSTORE_LOCATION),
                getPassword(DASHBOARD_SSL_KEYSTORE_PASSWORD).value(),
                getString(DASHBOARD_SSL_TRUSTSTORE_LOCATION),
                getPassword(DASHBOARD_SSL_TRUSTSTORE_PASSWORD).value());
    }

    /** How the topics lr0 creates are laid out: partitions, replicas, min.insync.replicas. */
    public TopicLayout topicLayout() {
        int replicas = getInt(TOPIC_REPLICATION_FACTOR);
        if (replicas == 0) {
            throw new ConfigException(TOPIC_REPLICATION_FACTOR, replicas, "-1 (the broker's default) or at least 1");
        }
        int minInsync = getInt(TOPIC_MIN_INSYNC_REPLICAS);
        if (replicas > 0 && minInsync > replicas) {
            throw new ConfigException(
                    TOPIC_MIN_INSYNC_REPLICAS,
                    minInsync,
                    "more than the " + replicas + " replicas of " + TOPIC_REPLICATION_FACTOR
                            + ": no write could succeed");
        }
        return new TopicLayout(getInt(TOPIC_PARTITIONS), replicas, minInsync);
    }

    /** Where every state store of the topology keeps its data. */
    public StateStores stateStores() {
        return StateStores.named(getString(STATE_STORES));
    }

    public ImageLimits imageLimits() {
        return new ImageLimits(getLong(IMAGE_MAX_BYTES), getLong(IMAGE_MAX_PIXELS));
    }

    /** Settings every Kafka client gets: bootstrap servers plus the {@code kafka.} keys. */
    public Map<String, Object> kafkaClientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(BOOTSTRAP_SERVERS, bootstrapServers());
        config.putAll(passedThrough(KAFKA_PREFIX));
        return config;
    }

    /** Settings for the Avro serdes: the registry URL plus the {@code schema.registry.} keys. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        // The serdes read Confluent's own key names, prefix included.
        passedThrough(REGISTRY_PREFIX).forEach((key, value) -> config.put(REGISTRY_PREFIX + key, value));
        return config;
    }

    /** Kafka Streams properties: client settings, the keys defined here, then the {@code streams.} keys. */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.putAll(kafkaClientConfig());
        props.put("application.id", getString(APPLICATION_ID));
        props.put("state.dir", getString(STATE_DIR));
        props.put("processing.guarantee", getString(PROCESSING_GUARANTEE));
        // The DSL's stores of the same kind as lr0's own.
        props.put("dsl.store.suppliers.class", stateStores().dslSuppliers());
        props.put("num.stream.threads", getInt(NUM_STREAM_THREADS));
        // Room for dead letters of the largest records a broker accepts, unless the user sized the producers.
        props.put("producer.max.request.size", String.valueOf(producerMaxRequestSize()));
        // Kafka Streams' internal topics replicated as lr0's own (its -1 is also "the broker's default").
        TopicLayout layout = topicLayout();
        props.put("replication.factor", layout.replicationFactor());
        if (layout.minInsyncReplicas() > 0) {
            props.put("topic.min.insync.replicas", String.valueOf(layout.minInsyncReplicas()));
        }
        props.putAll(passedThrough(STREAMS_PREFIX));
        return props;
    }

    /** The passed-through keys under {@code prefix}, without it. */
    private Map<String, String> passedThrough(String prefix) {
        Map<String, String> entries = new TreeMap<>();
        passThrough.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                entries.put(key.substring(prefix.length()), value);
            }
        });
        return entries;
    }
}
