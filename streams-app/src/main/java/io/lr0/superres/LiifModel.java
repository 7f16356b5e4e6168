package io.lr0.superres;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import java.util.ArrayList;
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
 * PyTorch engine on the first GPU, else the CPU. The weights are shared; each thread takes its own {@link Upscaler}.
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
        Predictor<NDList, NDList> predictor = model.newPredictor();
        return new Upscaler() {
            @Override
            public String method() {
                return SrMethods.LIIF;
            }

            @Override
            public List<Raster> upscale(List<Raster> images, int width, int height) {
                return run(predictor, images, width, height);
            }

            @Override
            public void close() {
                predictor.close();
            }
        };
    }

    private List<Raster> run(Predictor<NDList, NDList> predictor, List<Raster> images, int width, int height) {
        int inWidth = images.get(0).width();
        int inHeight = images.get(0).height();
        float[] output;
        try (NDManager manager = model.getNDManager().newSubManager(device)) {
            NDList inputs = new NDList(
                    manager.create(planes(images), new Shape(images.size(), 3, inHeight, inWidth)),
                    manager.create(new long[] {height, width}));
            if (kind == Kind.LIIF_RESIDUAL) {
                // The base the model corrects: the stream's own bicubic up-sampling, as in training.
                inputs.add(manager.create(
                        planes(bicubic.upscale(images, width, height)), new Shape(images.size(), 3, height, width)));
            }
            output = predictor.predict(inputs).singletonOrThrow().toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException(
                    "LIIF failed on a batch of " + images.size() + " (" + inWidth + "x" + inHeight + " -> " + width
                            + "x" + height + "): " + e.getMessage(),
                    e);
        }
        int outPlane = width * height;
        List<Raster> upscaled = new ArrayList<>(images.size());
        for (int n = 0; n < images.size(); n++) {
            byte[] rgb = new byte[outPlane * 3];
            for (int p = 0; p < outPlane; p++) {
                for (int c = 0; c < 3; c++) {
                    rgb[p * 3 + c] = (byte) Math.round(output[(n * 3 + c) * outPlane + p] * 255f);
                }
            }
            upscaled.add(new Raster(width, height, 3, rgb));
        }
        return upscaled;
    }

    /** Images of one size as RGB planes in [0, 1], [N,3,H,W] flattened; gray is replicated to RGB. */
    private static float[] planes(List<Raster> images) {
        int plane = images.get(0).width() * images.get(0).height();
        float[] planes = new float[images.size() * 3 * plane];
        for (int n = 0; n < images.size(); n++) {
            Raster image = images.get(n);
            byte[] pixels = image.pixels();
            int channels = image.channels();
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    planes[(n * 3 + c) * plane + p] = (pixels[p * channels + (channels == 1 ? 0 : c)] & 0xFF) / 255f;
                }
            }
        }
        return planes;
    }

    @Override
    public void close() {
        model.close();
    }
}
