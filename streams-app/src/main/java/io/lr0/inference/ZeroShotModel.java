package io.lr0.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dual encoder in lr0's model contract, loaded with DJL's PyTorch engine: a TorchScript module with
 * {@code get_image_features(pixel_values[N,3,H,W])} and {@code get_text_features(input_ids[N,L], attention_mask[N,L])}
 * (what DJL's hosted CLIP, clip.zip, provides), a Hugging Face {@code tokenizer.json} and a {@code model.json}.
 * Loading (DJL's {@link Criteria}) is what this class does; the tensors in and out are its translators' work
 * ({@link ClipTranslators}), pre-processing {@link ImagePreprocessor}'s and scoring {@link ZeroShotClassifier}'s. The
 * model is shared; each thread takes its own encoders, each holding a {@link Predictor}.
 */
public final class ZeroShotModel implements DualEncoder, AutoCloseable {
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

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /**
     * SHA-256 of the model's files (weights, tokenizer, model.json): what cached class embeddings are keyed by.
     * Computed once, on first use (hundreds of MB for a full-size model: never on a stream thread).
     */
    @Override
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

    @Override
    public String deviceName() {
        return device.toString();
    }

    @Override
    public ImageEncoder newImageEncoder() {
        Predictor<ClipTranslators.ImageBatch, float[][]> predictor =
                model.newPredictor(new ClipTranslators.Images(spec));
        boolean planes = device.isGpu();
        return new ImageEncoder() {
            @Override
            public boolean takesPlanes() {
                return planes;
            }

            @Override
            public float[][] encode(float[] pixels, int count) {
                return predict(predictor, ClipTranslators.ImageBatch.ofPixels(pixels, count));
            }

            @Override
            public float[][] encode(byte[] planes, int count) {
                return predict(predictor, ClipTranslators.ImageBatch.ofPlanes(planes, count));
            }

            @Override
            public void close() {
                predictor.close();
            }
        };
    }

    private static float[][] predict(
            Predictor<ClipTranslators.ImageBatch, float[][]> predictor, ClipTranslators.ImageBatch batch) {
        try {
            return predictor.predict(batch);
        } catch (TranslateException e) {
            throw new IllegalStateException(
                    "get_image_features failed on a batch of " + batch.count() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public TextEncoder newTextEncoder() {
        Predictor<List<String>, float[][]> predictor = model.newPredictor(new ClipTranslators.Texts(tokenizer, spec));
        return new TextEncoder() {
            @Override
            public float[][] encode(List<String> texts) {
                try {
                    return predictor.predict(texts);
                } catch (TranslateException e) {
                    throw new IllegalStateException("get_text_features failed: " + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                predictor.close();
            }
        };
    }

    /** Token ids of one text as the model sees them (for checks against the reference tokenizer). */
    public long[] tokenIds(String text) {
        return tokenizer.encode(text).getIds();
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}
