package io.lr0.superres;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.contract.SrMethods;
import io.lr0.djl.Djl;
import io.lr0.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LIIF up-sampler in lr0's TorchScript contract ({@code tools/liif}), of one of two kinds that the model's
 * {@code liif.json} names ({@code "kind"}; without one, the paper's): {@code liif}, {@code forward(lr[N,3,h,w] in
 * [0,1], size int64[2] = (H, W)) -> [N,3,H,W] in [0,1]}; or {@code liif-residual}, {@code forward(lr, size,
 * base[N,3,H,W])} where base is the stream's own bicubic up-sampling of lr (Pillow's, {@link BicubicUpscaler}) and
 * the model adds its learned correction, so that it starts from bicubic rather than below it. Loaded with DJL's
 * PyTorch engine on the first GPU, else the CPU (DJL's {@link Criteria}); the tensors in and out are
 * {@link LiifTranslator}'s. The weights are shared; each thread takes its own {@link Upscaler}.
 */
public final class LiifModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiifModel.class);
    /** The photo model shipped in the jar: trained by tools/liif/train.py (provenance in its liif.json). */
    public static final String BUNDLED = "bundled";
    /** The photo model fine-tuned on Fashion-MNIST's train split, also in the jar: the demo's data. */
    public static final String BUNDLED_FASHION_MNIST = "bundled-fashion-mnist";
    /** Setting -> directory under the jar's {@code /models/}. */
    private static final Map<String, String> BUNDLED_NAMES =
            Map.of(BUNDLED, "lr0-liif", BUNDLED_FASHION_MNIST, "lr0-liif-fmnist");

    private static final List<String> BUNDLED_FILES = List.of("liif.pt", "liif.json");

    /** The kinds of model, by their name in liif.json. */
    public enum Kind {
        /** The paper's LIIF: the network produces every output pixel. */
        LIIF("liif"),
        /** The network corrects the bicubic up-sampling it is given. */
        LIIF_RESIDUAL("liif-residual");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private final ZooModel<NDList, NDList> model;
    private final Device device;
    private final Kind kind;
    private final BicubicUpscaler bicubic = new BicubicUpscaler();

    private LiifModel(ZooModel<NDList, NDList> model, Device device, Kind kind) {
        this.model = model;
        this.device = device;
        this.kind = kind;
    }

    /**
     * Loads {@code setting}: {@code bundled}, {@code bundled-fashion-mnist}, a TorchScript file, or a directory
     * holding {@code liif.pt}.
     *
     * @throws IOException naming the location when there is no such model or it does not load
     */
    public static LiifModel load(String setting, Path cacheDir) throws IOException {
        String bundledName = BUNDLED_NAMES.get(setting);
        Path location = bundledName != null
                ? Djl.extractBundled(cacheDir, bundledName, BUNDLED_FILES).resolve("liif.pt")
                : Path.of(setting);
        Path file = Files.isDirectory(location) ? location.resolve("liif.pt") : location;
        if (!Files.isRegularFile(file)) {
            throw new IOException("LIIF model not found: " + file.toAbsolutePath() + " does not exist (expected the "
                    + "TorchScript file written by tools/liif/train.py or tools/liif/convert_official.py, or one of the "
                    + "bundled models " + String.join(", ", new TreeSet<>(BUNDLED_NAMES.keySet())) + ")");
        }
        String fileName = file.getFileName().toString();
        Kind kind = kindOf(file);
        Device device = Djl.bestDevice();
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optEngine(Djl.ENGINE)
                .optDevice(device)
                .optTranslator(new NoopTranslator())
                .optOption("trainParam", "false")
                .optModelPath(file.getParent())
                .optModelName(fileName.endsWith(".pt") ? fileName.substring(0, fileName.length() - 3) : fileName)
                .build();
        try {
            ZooModel<NDList, NDList> zooModel = criteria.loadModel();
            log.info("LIIF model ({}) loaded from {} on {}", kind.id(), file, device);
            return new LiifModel(zooModel, device, kind);
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new IOException("Cannot load the LIIF model at " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The kind the {@code .json} beside {@code file} names ({@code liif.pt} -> {@code liif.json}); the paper's when
     * there is none (a model converted before kinds were written).
     */
    private static Kind kindOf(Path file) throws IOException {
        String name = file.getFileName().toString();
        Path sidecar =
                file.resolveSibling((name.endsWith(".pt") ? name.substring(0, name.length() - 3) : name) + ".json");
        if (!Files.isRegularFile(sidecar)) {
            return Kind.LIIF;
        }
        String id = new ObjectMapper().readTree(sidecar.toFile()).path("kind").asText(Kind.LIIF.id());
        for (Kind kind : Kind.values()) {
            if (kind.id().equals(id)) {
                return kind;
            }
        }
        throw new IOException(sidecar + " names the kind '" + id + "': this lr0 runs 'liif' and 'liif-residual'");
    }

    public Device device() {
        return device;
    }

    public Kind kind() {
        return kind;
    }

    /** An up-sampler for one thread (DJL predictors are not thread-safe). */
    public Upscaler newUpscaler() {
        Predictor<LiifTranslator.Request, List<Raster>> predictor = model.newPredictor(new LiifTranslator());
        return new Upscaler() {
            @Override
            public String method() {
                return SrMethods.LIIF;
            }

            @Override
            public List<Raster> upscale(List<Raster> images, int width, int height) {
                // The base a residual model corrects: the stream's own bicubic up-sampling, as in training.
                List<Raster> base = kind == Kind.LIIF_RESIDUAL ? bicubic.upscale(images, width, height) : null;
                try {
                    return predictor.predict(new LiifTranslator.Request(images, width, height, base));
                } catch (TranslateException e) {
                    throw new IllegalStateException(
                            "LIIF failed on a batch of " + images.size() + " ("
                                    + images.get(0).width() + "x"
                                    + images.get(0).height() + " -> " + width + "x" + height + "): " + e.getMessage(),
                            e);
                }
            }

            @Override
            public void close() {
                predictor.close();
            }
        };
    }

    @Override
    public void close() {
        model.close();
    }
}
