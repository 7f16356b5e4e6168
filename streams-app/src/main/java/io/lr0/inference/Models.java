package io.lr0.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Resolves the {@code inference.model} setting; {@code bundled} is the demo model shipped inside the lr0 jar. */
public final class Models {
    public static final String BUNDLED = "bundled";
    static final String BUNDLED_NAME = "lr0-demo-fmnist";
    private static final String PYTORCH_THREADS = "ai.djl.pytorch.num_threads";
    static final List<String> BUNDLED_FILES = List.of("model.pt", "model.json", "tokenizer.json");

    private Models() {
    }

    /** Loads the configured model (extracting the bundled one under {@code cacheDir} first). */
    public static ZeroShotModel load(String setting, String tokenizer, Path cacheDir) throws IOException {
        String location = BUNDLED.equals(setting)
                ? extractBundled(cacheDir, BUNDLED_NAME, BUNDLED_FILES).toString() : setting;
        return ZeroShotModel.load(location, tokenizer);
    }

    /**
     * Sets libtorch's intra-op thread count for this process (starting the engine), unless a
     * {@code -Dai.djl.pytorch.num_threads} JVM option already did.
     */
    public static void useCpuThreads(int threads) {
        if (System.getProperty(PYTORCH_THREADS) == null) {
            Engine.getEngine("PyTorch");
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
    }

    /** Where models run: the first GPU DJL's PyTorch engine finds, else the CPU. */
    public static Device bestDevice() {
        return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /**
     * Copies the files of a model bundled in the jar ({@code /models/<name>/}) to {@code <cacheDir>/<name>} (DJL
     * loads from files), rewriting only what differs; returns that directory.
     */
    public static Path extractBundled(Path cacheDir, String name, List<String> files) throws IOException {
        Path target = cacheDir.resolve(name);
        Files.createDirectories(target);
        for (String file : files) {
            String resource = "/models/" + name + "/" + file;
            try (InputStream in = Models.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("The bundled model file " + resource + " is missing from the classpath");
                }
                byte[] bytes = in.readAllBytes();
                Path out = target.resolve(file);
                if (!Files.exists(out) || Files.size(out) != bytes.length || !java.util.Arrays.equals(Files.readAllBytes(out), bytes)) {
                    Path partial = target.resolve(file + ".partial");
                    Files.write(partial, bytes);
                    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        return target;
    }
}
