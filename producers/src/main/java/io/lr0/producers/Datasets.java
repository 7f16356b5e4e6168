package io.lr0.producers;

import io.lr0.contract.Lr0fmDatasets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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

        /**
         * A format by its name in any case ({@code fgvc_aircraft}, {@code FGVC-Aircraft}), or by a name LR0.FM's
         * datasets also go by, as the prompt files accept them ({@code flowers102}, {@code oxford_pets}).
         */
        public static Format parse(String text) {
            String name = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Format format : values()) {
                if (format.name().equals(name)) {
                    return format;
                }
            }
            Optional<Lr0fmDatasets.Dataset> benchmark = Lr0fmDatasets.find(text);
            if (benchmark.isPresent()) {
                for (Format format : values()) {
                    if (format.defaultId().equals(benchmark.get().id())) {
                        return format;
                    }
                }
            }
            throw new IllegalArgumentException("unknown format '" + text + "': one of "
                    + String.join(
                            ", ", Arrays.stream(values()).map(Format::defaultId).toList()));
        }
    }

    /**
     * Where torchvision's dataset classes put each benchmark under their {@code root} (Food101(root) downloads to
     * root/food-101, ...): a root given in that shape is read from that folder.
     */
    private static final Map<Format, String> TORCHVISION_FOLDERS = Map.of(
            Format.FOOD101, "food-101",
            Format.PETS, "oxford-iiit-pet",
            Format.EUROSAT, "eurosat",
            Format.CARS, "stanford_cars",
            Format.FLOWERS, "flowers-102",
            Format.FGVC_AIRCRAFT, "fgvc-aircraft-2013b",
            Format.SUN397, "SUN397",
            Format.DTD, "dtd/dtd");

    private Datasets() {}

    /**
     * The classes a dataset id stands for without its files (ImageNet-1k's WordNet ids for {@code imagenet1k}): what
     * a camera or push endpoint classifying into that id publishes. Empty for any other id.
     */
    public static Optional<List<String>> knownClasses(String datasetId) {
        return datasetId.equals("imagenet1k") ? Optional.of(PublishedLayouts.imagenetWnids()) : Optional.empty();
    }

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
     * Opens {@code path} in {@code format} (AUTO recognises IDX and CIFAR-10 files and the published benchmark
     * layouts by their files, refuses ImageNet-style class folders naming the formats to choose from, else reads an
     * image folder).
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

    private static DatasetSource published(Path given, Format format, String split, String id) throws IOException {
        Path root = torchvisionFolder(given, format).orElse(given);
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

    /**
     * Files by which a published benchmark layout is recognised without {@code --format} (each its own: read as an
     * image folder, Food-101's root became the classes {@code images} and {@code meta}).
     */
    private static final Map<Format, List<String>> MARKERS = markers();

    private static Map<Format, List<String>> markers() {
        Map<Format, List<String>> markers = new LinkedHashMap<>();
        markers.put(Format.FOOD101, List.of("meta/classes.txt"));
        markers.put(Format.DTD, List.of("labels/test1.txt", "labels/train1.txt"));
        markers.put(Format.PETS, List.of("annotations/test.txt", "annotations/trainval.txt"));
        markers.put(Format.FLOWERS, List.of("imagelabels.mat"));
        markers.put(Format.CARS, List.of("devkit/cars_meta.mat", "cars_meta.mat"));
        markers.put(Format.FGVC_AIRCRAFT, List.of("data/variants.txt"));
        markers.put(Format.SUN397, List.of("ClassName.txt", "Partitions/ClassName.txt"));
        markers.put(Format.UCF101, List.of("split_zhou_UCF101.json"));
        markers.put(Format.CALTECH101, List.of("101_ObjectCategories", "caltech101/101_ObjectCategories"));
        markers.put(Format.EUROSAT, List.of("2750/AnnualCrop", "EuroSAT_RGB/AnnualCrop", "AnnualCrop"));
        markers.put(Format.IMAGENET1K, List.of("LOC_val_solution.csv", "LOC_synset_mapping.txt"));
        markers.put(Format.COUNTERANIMAL, List.of("LAION-final"));
        return markers;
    }

    /**
     * {@code root}'s torchvision folder of {@code format} when the root is torchvision's (it holds that folder, and
     * none of the layout's own files).
     */
    private static Optional<Path> torchvisionFolder(Path root, Format format) {
        String folder = TORCHVISION_FOLDERS.get(format);
        if (folder == null || !Files.isDirectory(root.resolve(folder))) {
            return Optional.empty();
        }
        return holdsLayout(root, format) ? Optional.empty() : Optional.of(root.resolve(folder));
    }

    /** Whether {@code dir} holds one of the files {@code format}'s layout is recognised by. */
    private static boolean holdsLayout(Path dir, Format format) {
        return MARKERS.getOrDefault(format, List.of()).stream().anyMatch(marker -> Files.exists(dir.resolve(marker)));
    }

    /** ImageNet's class folders are named by WordNet id: the layout of several benchmarks, told apart by name only. */
    private static final Pattern WNID = Pattern.compile("n\\d{8}");

    private static Format detect(Path dir) throws IOException {
        if (idxFile(dir, "t10k-images-idx3-ubyte") != null || idxFile(dir, "train-images-idx3-ubyte") != null) {
            return Format.IDX;
        }
        if (Files.exists(dir.resolve("test_batch.bin")) || Files.exists(dir.resolve("data_batch_1.bin"))) {
            return Format.CIFAR10;
        }
        for (Format format : MARKERS.keySet()) {
            if (holdsLayout(dir, format)) {
                return format;
            }
        }
        // A torchvision root: one benchmark's folder, its files inside (several: the user says which).
        List<Format> torchvision = new ArrayList<>();
        TORCHVISION_FOLDERS.forEach((format, folder) -> {
            if (holdsLayout(dir.resolve(folder), format)) {
                torchvision.add(format);
            }
        });
        if (torchvision.size() == 1) {
            return torchvision.get(0);
        }
        if (torchvision.size() > 1) {
            throw new IOException(dir + " is a torchvision root holding several benchmarks: name one with --format "
                    + String.join(
                            " or ",
                            torchvision.stream().map(Format::defaultId).sorted().toList()));
        }
        for (Path folders : List.of(dir, dir.resolve("val"), dir.resolve("validation"))) {
            if (Files.isDirectory(folders)) {
                try (var children = Files.list(folders)) {
                    if (children.anyMatch(child -> Files.isDirectory(child)
                            && WNID.matcher(child.getFileName().toString()).matches())) {
                        throw new IOException(dir + " holds class folders named by WordNet id (n01440764, ...), the "
                                + "layout of ImageNet's validation set and of ImageNet-A, -R and -Sketch: name "
                                + "which with --format imagenet1k, imagenet_a, imagenet_r or imagenet_sketch");
                    }
                }
            }
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
