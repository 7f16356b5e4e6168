package io.lr0.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.lr0.djl.Djl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dual encoder in lr0's model contract, loaded with DJL's PyTorch engine: a TorchScript module with
 * {@code get_image_features(pixel_values[N,3,H,W])} and {@code get_text_features(input_ids[N,L], attention_mask[N,L])}
 * (what DJL's hosted CLIP, clip.zip, provides), a Hugging Face {@code tokenizer.json} and a {@code model.json}.
 * Loading is all this class does with the model; pre- and post-processing live in {@link ImagePreprocessor} and
 * {@link ZeroShotClassifier}. The model is shared; each thread takes its own {@link Predictor}.
 */
public final class ZeroShotModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ZeroShotModel.class);

    private final ZooModel<NDList, NDList> model;
    private final HuggingFaceTokenizer tokenizer;
    private final ModelSpec spec;
    private final Device device;
    private String digest;

    private ZeroShotModel(
            ZooModel<NDList, NDList> model, HuggingFaceTokenizer tokenizer, ModelSpec spec, Device device) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.spec = spec;
        this.device = device;
    }

    /**
     * Loads a model from a directory, a {@code .zip} file, or a URL (DJL's {@code Criteria}: http(s), file, jar,
     * djl://). {@code tokenizer} overrides the model's own tokenizer.json: a path, or a Hugging Face hub name such
     * as {@code openai/clip-vit-base-patch32} (needs internet). Runs on the first GPU DJL finds, else the CPU.
     *
     * @throws IOException naming the location and what was missing when the model cannot be loaded
     */
    public static ZeroShotModel load(String location, String tokenizer) throws IOException {
        Device device = Djl.bestDevice();
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(Djl.ENGINE)
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                // Inference only: no gradients, and a pure TorchScript module (no Python-side state).
                .optOption("trainParam", "false");
        Path path = isUrl(location) ? null : Path.of(location);
        if (path != null) {
            if (!Files.exists(path)) {
                throw new IOException("Model not found: " + path.toAbsolutePath() + " does not exist (expected a "
                        + "directory or .zip with model.pt, tokenizer.json and model.json)");
            }
            if (Files.isDirectory(path)) {
                requireFile(path, "model.pt", "the TorchScript module");
                criteria.optModelPath(path).optModelName("model");
            } else {
                criteria.optModelUrls(path.toUri().toString());
            }
        } else {
            criteria.optModelUrls(location);
        }
        ZooModel<NDList, NDList> zooModel;
        try {
            zooModel = criteria.build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new IOException("Cannot load the model at " + location + ": " + e.getMessage(), e);
        }
        Path modelDir = zooModel.getModelPath();
        try {
            ModelSpec spec = ModelSpec.of(modelDir, zooModel.getName());
            HuggingFaceTokenizer textTokenizer = tokenizer(modelDir, tokenizer, spec, location);
            Engine engine = zooModel.getNDManager().getEngine();
            // The libtorch directory names its flavour, e.g. .../2.7.1-cpu-linux-x86_64 or ...-cu124-...
            log.info(
                    "Model '{}' loaded from {} on {} ({} {}, libtorch {}, {} intra-op CPU threads, input {}px, "
                            + "context {})",
                    spec.name(),
                    location,
                    device,
                    engine.getEngineName(),
                    engine.getVersion(),
                    LibUtils.getLibtorchPath(),
                    JniUtils.getNumThreads(),
                    spec.inputSize(),
                    spec.contextLength());
            if (spec.random()) {
                log.warn(
                        "Model '{}' has RANDOM weights (model.json): it is for shapes, memory and speed only; its "
                                + "predictions and every accuracy computed from them mean nothing",
                        spec.name());
            }
            return new ZeroShotModel(zooModel, textTokenizer, spec, device);
        } catch (IOException | RuntimeException e) {
            zooModel.close();
            throw e;
        }
    }

    private static HuggingFaceTokenizer tokenizer(Path modelDir, String override, ModelSpec spec, String location)
            throws IOException {
        Map<String, String> options = Map.of(
                "maxLength", String.valueOf(spec.contextLength()),
                "truncation", "true",
                "padding", "false",
                "addSpecialTokens", "true");
        if (override != null && !override.isBlank()) {
            Path overridePath = Path.of(override);
            return Files.exists(overridePath)
                    ? HuggingFaceTokenizer.newInstance(overridePath, options)
                    : HuggingFaceTokenizer.newInstance(override, options);
        }
        Path own = modelDir.resolve("tokenizer.json");
        if (!Files.exists(own)) {
            throw new IOException("Model at " + location + " has no tokenizer.json: add one, or name a tokenizer "
                    + "(a tokenizer.json path, or a Hugging Face id such as openai/clip-vit-base-patch32)");
        }
        return HuggingFaceTokenizer.newInstance(own, options);
    }

    private static void requireFile(Path dir, String name, String what) throws IOException {
        if (!Files.exists(dir.resolve(name))) {
            throw new IOException("Model directory " + dir.toAbsolutePath() + " has no " + name + " (" + what + ")");
        }
    }

    private static boolean isUrl(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://")
                || lower.startsWith("https://")
                || lower.startsWith("file:")
                || lower.startsWith("jar:")
                || lower.startsWith("djl://")
                || lower.startsWith("s3://");
    }

    public ModelSpec spec() {
        return spec;
    }

    /**
     * SHA-256 of the model's files (weights, tokenizer, model.json): what cached class embeddings are keyed by.
     * Computed once, on first use (hundreds of MB for a full-size model: never on a stream thread).
     */
    public synchronized String digest() throws IOException {
        if (digest == null) {
            MessageDigest sha256 = sha256();
            Path dir = model.getModelPath();
            List<Path> files;
            try (Stream<Path> listed = Files.list(dir)) {
                files = listed.filter(Files::isRegularFile).sorted().toList();
            }
            byte[] buffer = new byte[1 << 20];
            for (Path file : files) {
                sha256.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(file)) {
                    for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                        sha256.update(buffer, 0, read);
                    }
                }
            }
            digest = HexFormat.of().formatHex(sha256.digest());
        }
        return digest;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("No SHA-256 in this JVM", e);
        }
    }

    public Device device() {
        return device;
    }

    /** A predictor for one thread (predictors are not thread-safe; the weights are shared). */
    public Predictor<NDList, NDList> newPredictor() {
        return model.newPredictor();
    }

    /** Unnormalised image embeddings of {@code count} pre-processed images laid out as [count, 3, S, S]. */
    public float[][] imageFeatures(Predictor<NDList, NDList> predictor, float[] pixels, int count) {
        int size = spec.inputSize();
        // The buffer may be longer than the batch (reused across batches): only count images are read.
        return imageFeatures(
                predictor,
                count,
                manager -> manager.create(
                        FloatBuffer.wrap(pixels, 0, count * 3 * size * size), new Shape(count, 3, size, size)));
    }

    /**
     * The same from 8-bit planes (channels first, {@code count} images): the bytes go to the device as they are and
     * are normalised there, with the same float operations as {@link ImagePreprocessor}'s (x * scale + shift), so
     * the features are those of the float input. On a GPU a quarter of the bytes cross to the device.
     */
    public float[][] imageFeatures(Predictor<NDList, NDList> predictor, byte[] planes, int count) {
        int size = spec.inputSize();
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = spec.normalisationScale(c);
            shift[c] = spec.normalisationShift(c);
        }
        Shape perChannel = new Shape(1, 3, 1, 1);
        return imageFeatures(
                predictor,
                count,
                manager -> manager.create(
                                ByteBuffer.wrap(planes, 0, count * 3 * size * size),
                                new Shape(count, 3, size, size),
                                DataType.UINT8)
                        .toType(DataType.FLOAT32, false)
                        .mul(manager.create(scale, perChannel))
                        .add(manager.create(shift, perChannel)));
    }

    /** The image tower on the input {@code input} makes on the model's device, in a manager closed afterwards. */
    private float[][] imageFeatures(
            Predictor<NDList, NDList> predictor, int count, Function<NDManager, NDArray> input) {
        try (NDManager manager = model.getNDManager().newSubManager(device)) {
            return rows(
                    predictor
                            .predict(new NDList(input.apply(manager), method(manager, "get_image_features")))
                            .singletonOrThrow(),
                    count);
        } catch (TranslateException e) {
            throw new IllegalStateException(
                    "get_image_features failed on a batch of " + count + ": " + e.getMessage(), e);
        }
    }

    /** Unnormalised text embeddings, one per text, through the model's tokenizer. */
    public float[][] textFeatures(Predictor<NDList, NDList> predictor, List<String> texts) {
        long[][] encoded = new long[texts.size()][];
        int longest = 0;
        for (int row = 0; row < texts.size(); row++) {
            encoded[row] = tokenizer.encode(texts.get(row)).getIds();
            longest = Math.max(longest, encoded[row].length);
        }
        // Padded to the context, or, for a causal text tower, only to the batch's longest prompt.
        int length = spec.causalText() ? Math.min(longest, spec.contextLength()) : spec.contextLength();
        long[] ids = new long[texts.size() * length];
        long[] mask = new long[texts.size() * length];
        Arrays.fill(ids, spec.padTokenId());
        for (int row = 0; row < texts.size(); row++) {
            long[] tokens = encoded[row];
            int n = Math.min(tokens.length, length);
            System.arraycopy(tokens, 0, ids, row * length, n);
            Arrays.fill(mask, row * length, row * length + n, 1L);
        }
        try (NDManager manager = model.getNDManager().newSubManager(device)) {
            NDList input = new NDList(
                    manager.create(ids, new Shape(texts.size(), length)),
                    manager.create(mask, new Shape(texts.size(), length)),
                    method(manager, "get_text_features"));
            return rows(predictor.predict(input).singletonOrThrow(), texts.size());
        } catch (TranslateException e) {
            throw new IllegalStateException("get_text_features failed: " + e.getMessage(), e);
        }
    }

    /** Token ids of one text as the model sees them (for checks against the reference tokenizer). */
    public long[] tokenIds(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** DJL's PyTorch engine calls the module method named by a last, empty input called "module_method:NAME". */
    private static NDArray method(NDManager manager, String name) {
        NDArray placeholder = manager.create("");
        placeholder.setName("module_method:" + name);
        return placeholder;
    }

    private static float[][] rows(NDArray features, int count) {
        float[] flat = features.toFloatArray();
        int dim = flat.length / count;
        float[][] out = new float[count][dim];
        for (int i = 0; i < count; i++) {
            System.arraycopy(flat, i * dim, out[i], 0, dim);
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
