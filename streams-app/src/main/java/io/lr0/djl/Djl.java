package io.lr0.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/** What every DJL model of lr0 shares: the device it runs on, libtorch's threads, and models bundled in the jar. */
public final class Djl {
    /** The engine of every lr0 model. */
    public static final String ENGINE = "PyTorch";

    private static final String PYTORCH_THREADS = "ai.djl.pytorch.num_threads";

    private Djl() {}

    /**
     * Sets libtorch's intra-op thread count (starting the engine), unless a {@code -Dai.djl.pytorch.num_threads}
     * JVM option already did. libtorch has one such count per process: the last caller's wins.
     */
    public static void useCpuThreads(int threads) {
        if (System.getProperty(PYTORCH_THREADS) == null) {
            Engine.getEngine(ENGINE);
            JniUtils.setNumThreads(threads);
        }
    }

    /** Where models run: the first GPU DJL's PyTorch engine finds, else the CPU. */
    public static Device bestDevice() {
        return Engine.getEngine(ENGINE).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
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
            try (InputStream in = Djl.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("The bundled model file " + resource + " is missing from the classpath");
                }
                byte[] bytes = in.readAllBytes();
                Path out = target.resolve(file);
                if (!Files.exists(out)
                        || Files.size(out) != bytes.length
                        || !Arrays.equals(Files.readAllBytes(out), bytes)) {
                    Path partial = target.resolve(file + ".partial");
                    Files.write(partial, bytes);
                    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        return target;
    }
}
