package io.lr0.producers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** Opens a dataset from a path, recognising its layout, or the bundled Fashion-MNIST sample. */
public final class Datasets {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the IDX files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** First 1,000 images of the Fashion-MNIST test split, shipped so the demo runs without the package. */
    private static final String BUNDLED_SAMPLE = "/io/lr0/producers/fashion-mnist-sample/";

    /**
     * Layouts lr0 reads: its own, LR0.FM's benchmarks named by LR0.FM's dataset ids, and CounterAnimal's
     * (docs/datasets.md).
     */
    public enum Format {
        AUTO,
        IDX,
        CIFAR10,
        FOLDER,
        IMAGENET1K,
        IMAGENET_A,
        IMAGENET_R,
        IMAGENET_SKETCH,
        IMAGENET_V2,
        CALTECH101,
        DTD,
        FOOD101,
        FGVC_AIRCRAFT,
        SUN397,
        PETS,
        CARS,
        FLOWERS,
        EUROSAT,
        UCF101,
        COUNTERANIMAL;

        /** The default dataset id of a benchmark format: LR0.FM's id, or {@code counteranimal}. */
        public String defaultId() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Datasets() {}

    /** The Debian Fashion-MNIST package when installed, else the bundled 1,000-image sample of its test split. */
    public static DatasetSource defaultFashionMnist(String split) throws IOException {
        if (Files.isDirectory(DEBIAN_FASHION_MNIST)) {
            return open(DEBIAN_FASHION_MNIST, Format.IDX, split, "fashion-mnist");
        }
        if (!split.equals("test")) {
            throw new IOException("Only the test split is bundled; install the Debian package dataset-fashion-mnist "
                    + "for the " + split + " split");
        }
        return new IdxDataset(
                "fashion-mnist",
                "test",
                IdxDataset.FASHION_MNIST_CLASSES,
                "Fashion-MNIST test split, first 1,000 images (bundled sample)",
                () -> resource("t10k-images-idx3-ubyte.gz"),
                () -> resource("t10k-labels-idx1-ubyte.gz"));
    }

    /**
     * Opens {@code path} in {@code format} (AUTO recognises IDX and CIFAR-10 files, else reads an image folder).
     * {@code datasetId} may be null to derive it from the layout.
     */
    public static DatasetSource open(Path path, Format format, String split, String datasetId) throws IOException {
        if (!Files.isDirectory(path)) {
            throw new IOException("Dataset path " + path + " is not a directory");
        }
        Format detected = format != Format.AUTO ? format : detect(path);
        return switch (detected) {
            case IDX -> idx(path, split, datasetId);
            case CIFAR10 -> new Cifar10Dataset(datasetId != null ? datasetId : "cifar-10", path, split);
            case FOLDER ->
                ImageFolderDataset.open(
                        datasetId != null
                                ? datasetId
                                : path.getFileName().toString().toLowerCase(Locale.ROOT),
                        path);
            case AUTO -> throw new IllegalStateException("unreachable");
            default -> published(path, detected, split, datasetId != null ? datasetId : detected.defaultId());
        };
    }

    private static DatasetSource published(Path root, Format format, String split, String id) throws IOException {
        return switch (format) {
            case IMAGENET1K -> PublishedLayouts.imagenet(root, id);
            case IMAGENET_A -> PublishedLayouts.wnidFolders(root, id, "ImageNet-A");
            case IMAGENET_R -> PublishedLayouts.wnidFolders(root, id, "ImageNet-R");
            case IMAGENET_SKETCH -> PublishedLayouts.wnidFolders(root, id, "ImageNet-Sketch");
            case IMAGENET_V2 -> PublishedLayouts.imagenetV2(root, id);
            case CALTECH101 -> PublishedLayouts.caltech101(root, id);
            case DTD -> PublishedLayouts.dtd(root, split, id);
            case FOOD101 -> PublishedLayouts.food101(root, split, id);
            case FGVC_AIRCRAFT -> PublishedLayouts.aircraft(root, split, id);
            case SUN397 -> PublishedLayouts.sun397(root, split, id);
            case PETS -> PublishedLayouts.pets(root, split, id);
            case CARS -> PublishedLayouts.cars(root, split, id);
            case FLOWERS -> PublishedLayouts.flowers(root, split, id);
            case EUROSAT -> PublishedLayouts.eurosat(root, id);
            case UCF101 -> PublishedLayouts.ucf101(root, split, id);
            case COUNTERANIMAL -> PublishedLayouts.counterAnimal(root, id);
            default -> throw new IllegalArgumentException(format + " is not a published benchmark layout");
        };
    }

    private static Format detect(Path dir) {
        if (idxFile(dir, "t10k-images-idx3-ubyte") != null || idxFile(dir, "train-images-idx3-ubyte") != null) {
            return Format.IDX;
        }
        if (Files.exists(dir.resolve("test_batch.bin")) || Files.exists(dir.resolve("data_batch_1.bin"))) {
            return Format.CIFAR10;
        }
        return Format.FOLDER;
    }

    private static DatasetSource idx(Path dir, String split, String datasetId) throws IOException {
        String prefix = switch (split) {
            case "test" -> "t10k";
            case "train" -> "train";
            default -> throw new IOException("IDX split must be 'train' or 'test', was '" + split + "'");
        };
        Path images = idxFile(dir, prefix + "-images-idx3-ubyte");
        Path labels = idxFile(dir, prefix + "-labels-idx1-ubyte");
        if (images == null || labels == null) {
            throw new IOException(
                    "No " + prefix + "-images-idx3-ubyte[.gz] and " + prefix + "-labels-idx1-ubyte[.gz] under " + dir);
        }
        boolean fashion = (datasetId != null ? datasetId : dir.toString())
                .toLowerCase(Locale.ROOT)
                .contains("fashion");
        String id = datasetId != null ? datasetId : fashion ? "fashion-mnist" : "mnist";
        List<String> classes = fashion
                ? IdxDataset.FASHION_MNIST_CLASSES
                : IntStream.range(0, 10).mapToObj(String::valueOf).toList();
        return new IdxDataset(
                id,
                split,
                classes,
                "IDX files in " + dir.toAbsolutePath() + " (" + split + ")",
                () -> Files.newInputStream(images),
                () -> Files.newInputStream(labels));
    }

    private static Path idxFile(Path dir, String name) {
        for (Path candidate : List.of(dir.resolve(name), dir.resolve(name + ".gz"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Datasets.class.getResourceAsStream(BUNDLED_SAMPLE + name);
        if (in == null) {
            throw new IOException("Bundled sample " + BUNDLED_SAMPLE + name + " is missing from the classpath");
        }
        return in;
    }
}
