package io.lr0.producers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Readers of the test splits of LR0.FM's fifteen benchmarks and of CounterAnimal in the layouts their publishers
 * release them in (and, for ImageNet's validation set and UCF101, the layouts LR0.FM reads). Each opens a
 * {@link ListedDataset} labelled the way the bundled prompt files are keyed (docs/datasets.md); a layout that does
 * not match says which file or folder it expected.
 */
final class PublishedLayouts {
    private static final Pattern WNID = Pattern.compile("n\\d{8}");
    private static final Pattern SPLIT = Pattern.compile("(train|val|test)(\\d*)");
    private static final Pattern COUNTER_ANIMAL_CLASS = Pattern.compile("(\\d+) .+");
    private static final List<String> IMAGENET_WNIDS = readWnids();

    private PublishedLayouts() {}

    /** ImageNet-1k's WordNet ids in class-index order. */
    static List<String> imagenetWnids() {
        return IMAGENET_WNIDS;
    }

    /** The folder and files one layout expects, and the error that names them when they are not there. */
    private record Layout(String name, Path root) {
        /** The first of {@code candidates} (relative to the root) that exists, or an error naming them all. */
        Path find(String what, String... candidates) throws IOException {
            Path found = locate(candidates);
            if (found == null) {
                throw expected(what, candidates);
            }
            return found;
        }

        /** The first of {@code candidates} (relative to the root) that exists, or null. */
        Path locate(String... candidates) {
            for (String candidate : candidates) {
                Path path = root.resolve(candidate).normalize();
                if (Files.exists(path)) {
                    return path;
                }
            }
            return null;
        }

        IOException expected(String what, String... candidates) {
            StringBuilder message = new StringBuilder(name + " layout: expected " + what + " at ");
            for (int i = 0; i < candidates.length; i++) {
                message.append(i == 0 ? "" : " or ").append(root.resolve(candidates[i]));
            }
            return new IOException(message.append(" (docs/datasets.md)").toString());
        }

        List<String> lines(Path file) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line.strip());
                }
            }
            return lines;
        }

        ListedDataset dataset(String id, List<String> classes, List<ListedDataset.Entry> entries) throws IOException {
            List<String> groups = entries.stream()
                    .map(ListedDataset.Entry::group)
                    .filter(Objects::nonNull)
                    .distinct()
                    .sorted()
                    .toList();
            return new ListedDataset(
                    new LabelSpace(id, classes, groups, name + " in " + root.toAbsolutePath()),
                    root,
                    entries,
                    name + " layout");
        }
    }

    /**
     * ImageNet's validation set (LR0.FM's {@code imagenet1k}), 1,000 classes by WordNet id: sorted into class
     * folders ({@code <wnid>/*.JPEG}, also under {@code val/} or {@code validation/}: LR0.FM's layout), or flat
     * {@code ILSVRC2012_val_*.JPEG} with Kaggle's {@code LOC_val_solution.csv} or the devkit's
     * {@code ILSVRC2012_validation_ground_truth.txt} and {@code meta.mat} (its ILSVRC2012_ID to WordNet id mapping).
     */
    /** Where the ImageNet Object Localization Challenge on Kaggle keeps the validation images. */
    private static final String KAGGLE_VAL = "ILSVRC/Data/CLS-LOC/val";

    static ListedDataset imagenet(Path root, String id) throws IOException {
        Layout layout = new Layout("ImageNet validation", root);
        for (Path folders : List.of(root, root.resolve("val"), root.resolve("validation"))) {
            if (Files.isDirectory(folders) && !wnidFolders(folders).isEmpty()) {
                return layout.dataset(id, IMAGENET_WNIDS, classFolderEntries(new Layout(layout.name, folders), false));
            }
        }
        Path images = layout.find(
                "WordNet-id class folders (n01440764/, also under val/ or validation/) or the flat validation images",
                "ILSVRC2012_val_00000001.JPEG",
                "ILSVRC2012_img_val/ILSVRC2012_val_00000001.JPEG",
                KAGGLE_VAL + "/ILSVRC2012_val_00000001.JPEG");
        Path imageDir = images.getParent();
        Map<String, String> wnidByImage = new HashMap<>();
        // Kaggle's competition root holds the solution file, four levels above the images.
        Path solution =
                layout.locate("LOC_val_solution.csv", "../LOC_val_solution.csv", "../../../../LOC_val_solution.csv");
        if (solution != null) {
            // Kaggle: ImageId,PredictionString with the wnid first ("n01751748 x y x y ...").
            for (String line : layout.lines(solution)) {
                String[] cells = line.split(",", 2);
                if (cells.length == 2 && !cells[0].equals("ImageId")) {
                    wnidByImage.put(cells[0], cells[1].strip().split("\\s+")[0]);
                }
            }
        } else {
            Path devkit = layout.find(
                    "LOC_val_solution.csv or the devkit's data/ILSVRC2012_validation_ground_truth.txt",
                    "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt",
                    "../ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt");
            Map<Integer, String> wnidById = devkitWnids(devkit.resolveSibling("meta.mat"), layout);
            List<String> ids = layout.lines(devkit);
            for (int i = 0; i < ids.size(); i++) {
                String wnid = wnidById.get(Integer.parseInt(ids.get(i)));
                if (wnid == null) {
                    throw new IOException(devkit + " line " + (i + 1) + ": ILSVRC2012_ID " + ids.get(i)
                            + " is not among meta.mat's 1,000 classes");
                }
                wnidByImage.put(String.format("ILSVRC2012_val_%08d", i + 1), wnid);
            }
        }
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (Path file : imageFiles(imageDir)) {
            String name = file.getFileName().toString();
            String wnid = wnidByImage.get(name.substring(0, name.lastIndexOf('.')));
            if (wnid == null) {
                throw new IOException("ImageNet validation layout: " + file + " has no label in "
                        + (solution != null ? solution : "the devkit's ground truth"));
            }
            entries.add(new ListedDataset.Entry(file, wnid));
        }
        return layout.dataset(id, IMAGENET_WNIDS, entries);
    }

    private static Map<Integer, String> devkitWnids(Path meta, Layout layout) throws IOException {
        if (!Files.isRegularFile(meta)) {
            throw layout.expected(
                    "the devkit's meta.mat beside its ground truth",
                    layout.root.relativize(meta).toString());
        }
        MatFile.Value synsets = MatFile.read(meta).get("synsets");
        if (!(synsets instanceof MatFile.Struct struct)
                || !struct.fields().contains("ILSVRC2012_ID")
                || !struct.fields().contains("WNID")) {
            throw new IOException(meta + " has no synsets struct with ILSVRC2012_ID and WNID fields");
        }
        Map<Integer, String> wnidById = new HashMap<>();
        for (Map<String, MatFile.Value> synset : struct.elements()) {
            if (synset.get("ILSVRC2012_ID") instanceof MatFile.Numeric number
                    && number.values().length == 1
                    && synset.get("WNID") instanceof MatFile.Chars wnid
                    && number.values()[0] <= 1000) {
                wnidById.put((int) number.values()[0], wnid.text());
            }
        }
        return wnidById;
    }

    /**
     * ImageNet-A, -R and -Sketch: class folders named by WordNet id ({@code imagenet-a/n01498041/*.jpg},
     * {@code sketch/n01440764/*.JPEG}); the classes are the folders (200 for -A and -R).
     */
    static ListedDataset wnidFolders(Path root, String id, String name) throws IOException {
        Layout layout = new Layout(name, root);
        List<String> classes = wnidFolders(root);
        if (classes.isEmpty()) {
            throw layout.expected("class folders named by WordNet id", "n01440764/", "n01498041/");
        }
        return layout.dataset(id, classes, classFolderEntries(layout, false));
    }

    /** ImageNet-V2: class folders numbered by ImageNet's class index ({@code 0/} ... {@code 999/}). */
    static ListedDataset imagenetV2(Path root, String id) throws IOException {
        Layout layout = new Layout("ImageNet-V2", root);
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (Path folder : subfolders(root)) {
            String name = folder.getFileName().toString();
            int index;
            try {
                index = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index < 0 || index >= IMAGENET_WNIDS.size()) {
                throw new IOException("ImageNet-V2 layout: class folders are ImageNet class indices 0-999 ("
                        + root.resolve("0") + "/...); found " + folder);
            }
            for (Path file : imageFiles(folder)) {
                entries.add(new ListedDataset.Entry(file, IMAGENET_WNIDS.get(index)));
            }
        }
        if (entries.isEmpty()) {
            throw layout.expected("class folders numbered 0-999 with images", "0/");
        }
        return layout.dataset(id, IMAGENET_WNIDS, entries);
    }

    /**
     * Caltech101: {@code 101_ObjectCategories/<class>/image_0001.jpg}, every image (the dataset has no test split),
     * the 102 folders (BACKGROUND_Google included, as LR0.FM's class list has it) as classes.
     */
    static ListedDataset caltech101(Path root, String id) throws IOException {
        Layout layout = new Layout("Caltech101", root);
        Path categories =
                root.getFileName() != null && root.getFileName().toString().equals("101_ObjectCategories")
                        ? root
                        : layout.find("the class folders", "101_ObjectCategories", "caltech101/101_ObjectCategories");
        return classFolders(new Layout(layout.name, categories), id);
    }

    /** DTD: {@code images/<class>/*.jpg} and the split files {@code labels/test1.txt} (split test is test1). */
    static ListedDataset dtd(Path root, String split, String id) throws IOException {
        Layout layout = new Layout("DTD", root);
        Path images = layout.find("the class folders", "images");
        Path list = layout.find("split " + split + "'s list", "labels/" + numbered(split) + ".txt");
        return listed(layout, id, names(subfolders(images)), images, layout.lines(list), "");
    }

    /** Food-101: {@code meta/test.txt} ({@code apple_pie/1011328}), {@code meta/classes.txt}, {@code images/}. */
    static ListedDataset food101(Path root, String split, String id) throws IOException {
        Layout layout = new Layout("Food-101", root);
        Path list = layout.find("split " + split + "'s list", "meta/" + trainOrTest(split) + ".txt");
        List<String> classes = layout.lines(layout.find("the class list", "meta/classes.txt"));
        return listed(layout, id, classes, layout.find("the images", "images"), layout.lines(list), ".jpg");
    }

    /** Shared by split lists of {@code <class>/<file>} lines under one image folder. */
    private static ListedDataset listed(
            Layout layout, String id, List<String> classes, Path images, List<String> lines, String extension)
            throws IOException {
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (String line : lines) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                throw new IOException(layout.name + " layout: '" + line + "' is not <class>/<image>");
            }
            entries.add(new ListedDataset.Entry(images.resolve(line + extension), line.substring(0, slash)));
        }
        return layout.dataset(id, classes, entries);
    }

    /**
     * Oxford-IIIT Pets: {@code annotations/test.txt} ({@code Abyssinian_100 1 1 1}: image, class id, species, breed
     * id; {@code trainval.txt} for train), {@code images/<image>.jpg}; the label is the breed, the image name less
     * its number.
     */
    static ListedDataset pets(Path root, String split, String id) throws IOException {
        Layout layout = new Layout("Oxford-IIIT Pets", root);
        // The release's lists: trainval.txt (split train or trainval) and test.txt.
        String listName =
                split.equals("trainval") ? "trainval" : trainOrTest(split).equals("train") ? "trainval" : "test";
        Path list = layout.find("the annotation list", "annotations/" + listName + ".txt");
        Map<Integer, String> classById = new TreeMap<>();
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (String line : layout.lines(list)) {
            String[] cells = line.split("\\s+");
            int underscore = cells[0].lastIndexOf('_');
            if (cells.length < 2 || underscore < 0) {
                throw new IOException(list + ": '" + line + "' is not '<Breed_number> <class id> ...'");
            }
            String breed = cells[0].substring(0, underscore);
            classById.put(Integer.parseInt(cells[1]), breed);
            entries.add(new ListedDataset.Entry(root.resolve("images").resolve(cells[0] + ".jpg"), breed));
        }
        return layout.dataset(id, List.copyOf(classById.values()), entries);
    }

    /**
     * Oxford Flowers-102: {@code jpg/image_00001.jpg}, {@code imagelabels.mat} (labels 1-102) and {@code setid.mat}
     * (tstid, trnid, valid); labels are the numbers, which the bundled prompt file names.
     */
    static ListedDataset flowers(Path root, String split, String id) throws IOException {
        Layout layout = new Layout("Oxford Flowers-102", root);
        double[] labels = numbers(layout.find("the label file", "imagelabels.mat"), "labels");
        String set = switch (trainOrVal(split)) {
            case "train" -> "trnid";
            case "val" -> "valid";
            default -> "tstid";
        };
        double[] ids = numbers(layout.find("the split file", "setid.mat"), set);
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (double imageId : ids) {
            int index = (int) imageId;
            if (index < 1 || index > labels.length) {
                throw new IOException("Oxford Flowers-102: setid.mat's " + set + " names image " + index + " of "
                        + labels.length + " labelled ones");
            }
            entries.add(new ListedDataset.Entry(
                    root.resolve("jpg").resolve(String.format("image_%05d.jpg", index)),
                    String.valueOf((int) labels[index - 1])));
        }
        List<String> classes = new ArrayList<>();
        for (int label = 1; label <= 102; label++) {
            classes.add(String.valueOf(label));
        }
        return layout.dataset(id, classes, entries);
    }

    /**
     * Stanford Cars: {@code cars_test/00001.jpg} with {@code cars_test_annos_withlabels.mat} (beside it or in
     * {@code devkit/}), {@code cars_train/} with {@code devkit/cars_train_annos.mat}; class names from
     * {@code devkit/cars_meta.mat}.
     */
    static ListedDataset cars(Path root, String split, String id) throws IOException {
        Layout layout = new Layout("Stanford Cars", root);
        boolean train = trainOrTest(split).equals("train");
        Path annotations = train
                ? layout.find("the annotations", "devkit/cars_train_annos.mat", "cars_train_annos.mat")
                : layout.find(
                        "the test annotations with labels",
                        "cars_test_annos_withlabels.mat",
                        "devkit/cars_test_annos_withlabels.mat");
        Path meta = layout.find("the class names", "devkit/cars_meta.mat", "cars_meta.mat");
        if (!(MatFile.read(meta).get("class_names") instanceof MatFile.Cell names)) {
            throw new IOException(meta + " has no class_names cell array");
        }
        List<String> classes = new ArrayList<>();
        for (MatFile.Value name : names.cells()) {
            classes.add(name instanceof MatFile.Chars chars ? chars.text().strip() : "");
        }
        if (!(MatFile.read(annotations).get("annotations") instanceof MatFile.Struct struct)
                || !struct.fields().contains("class")
                || !struct.fields().contains("fname")) {
            throw new IOException(annotations + " has no annotations struct with class and fname fields");
        }
        Path images = layout.find("the images", train ? "cars_train" : "cars_test");
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (Map<String, MatFile.Value> annotation : struct.elements()) {
            if (!(annotation.get("class") instanceof MatFile.Numeric number)
                    || number.values().length != 1
                    || !(annotation.get("fname") instanceof MatFile.Chars fname)) {
                throw new IOException(annotations + ": an annotation without one class number and a file name");
            }
            int label = (int) number.values()[0];
            if (label < 1 || label > classes.size()) {
                throw new IOException(annotations + ": " + fname.text() + " has class " + label + " of "
                        + classes.size() + " in " + meta);
            }
            entries.add(new ListedDataset.Entry(images.resolve(fname.text()), classes.get(label - 1)));
        }
        return layout.dataset(id, classes, entries);
    }

    /**
     * FGVC-Aircraft: {@code data/images_variant_test.txt} ({@code 1514522 707-320}; trainval, train or val for
     * the other splits), {@code data/variants.txt}, {@code data/images/<id>.jpg}; the label is the variant.
     */
    static ListedDataset aircraft(Path root, String split, String id) throws IOException {
        Layout layout = new Layout("FGVC-Aircraft", root);
        String listName = split.equals("train") ? "trainval" : split;
        Path list = layout.find("split " + split + "'s variant list", "data/images_variant_" + listName + ".txt");
        List<String> classes = layout.lines(layout.find("the variant list", "data/variants.txt"));
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (String line : layout.lines(list)) {
            int space = line.indexOf(' ');
            if (space < 0) {
                throw new IOException(list + ": '" + line + "' is not '<image id> <variant>'");
            }
            entries.add(new ListedDataset.Entry(
                    root.resolve("data/images").resolve(line.substring(0, space) + ".jpg"), line.substring(space + 1)));
        }
        return layout.dataset(id, classes, entries);
    }

    /**
     * SUN397: images {@code <letter>/<class path>/*.jpg} with the partition lists {@code Testing_01.txt} (split
     * test; testN for the N-th) and {@code ClassName.txt}, in the root or {@code Partitions/}; the label is the
     * class path less its letter ({@code apartment_building/outdoor}).
     */
    static ListedDataset sun397(Path root, String split, String id) throws IOException {
        Layout layout = new Layout("SUN397", root);
        if (split.equals("all")) {
            return sun397All(layout, id);
        }
        Matcher parts = SPLIT.matcher(split);
        if (!parts.matches() || parts.group(1).equals("val")) {
            throw new IOException(
                    "SUN397 split must be test, train, testN or trainN (N = 1-10), or all, was '" + split + "'");
        }
        String listName = String.format(
                "%s_%02d.txt",
                parts.group(1).equals("test") ? "Testing" : "Training",
                parts.group(2).isEmpty() ? 1 : Integer.parseInt(parts.group(2)));
        Path list = layout.locate(listName, "Partitions/" + listName);
        if (list == null) {
            throw new IOException(layout.expected("partition list " + listName, listName, "Partitions/" + listName)
                            .getMessage()
                    + ". The partitions come apart from the images (Partitions.zip of the SUN database, unpacked as "
                    + root.resolve("Partitions") + "/); without them, --split all reads every image of the classes "
                    + "ClassName.txt lists, as torchvision's SUN397 does");
        }
        List<String> classes = new ArrayList<>();
        for (String classPath :
                layout.lines(layout.find("the class list", "ClassName.txt", "Partitions/ClassName.txt"))) {
            classes.add(sunLabel(classPath));
        }
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (String line : layout.lines(list)) {
            int slash = line.lastIndexOf('/');
            entries.add(new ListedDataset.Entry(
                    root.resolve(line.replaceFirst("^/", "")), sunLabel(line.substring(0, Math.max(slash, 0)))));
        }
        return layout.dataset(id, classes, entries);
    }

    /**
     * Every image of every class {@code ClassName.txt} lists ({@code <letter>/<class path>/*.jpg}): SUN397 as
     * torchvision downloads it, without the partition lists.
     */
    private static ListedDataset sun397All(Layout layout, String id) throws IOException {
        List<String> classes = new ArrayList<>();
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (String classPath :
                layout.lines(layout.find("the class list", "ClassName.txt", "Partitions/ClassName.txt"))) {
            String label = sunLabel(classPath);
            classes.add(label);
            Path folder = layout.root().resolve(classPath.replaceFirst("^/", ""));
            if (Files.isDirectory(folder)) {
                try (var files = Files.list(folder)) {
                    for (Path file : files.filter(ImageFiles::isImage).sorted().toList()) {
                        entries.add(new ListedDataset.Entry(file, label));
                    }
                }
            }
        }
        return layout.dataset(id, classes, entries);
    }

    /** {@code /a/apartment_building/outdoor} is {@code apartment_building/outdoor}. */
    private static String sunLabel(String classPath) {
        return classPath.replaceFirst("^/?[a-z]/", "");
    }

    /**
     * EuroSAT: class folders ({@code AnnualCrop/}, ... {@code SeaLake/}) in the root, or under {@code 2750/}
     * (EuroSAT.zip) or {@code EuroSAT_RGB/}; every image (the dataset has no test split).
     */
    static ListedDataset eurosat(Path root, String id) throws IOException {
        Layout layout = new Layout("EuroSAT", root);
        Path folders = Files.isDirectory(root.resolve("AnnualCrop"))
                ? root
                : layout.find("the class folders", "2750/AnnualCrop", "EuroSAT_RGB/AnnualCrop", "AnnualCrop")
                        .getParent();
        return classFolders(new Layout(layout.name, folders), id);
    }

    /**
     * UCF101 as LR0.FM reads it (CoOp's release): middle frames {@code UCF-101-midframes/<Class>/<video>.jpg} and
     * the split file {@code split_zhou_UCF101.json} ({@code [path, label, class name]} per image in train, val,
     * test); the label is the class name ({@code Apply_Eye_Makeup}).
     */
    static ListedDataset ucf101(Path root, String split, String id) throws IOException {
        Layout layout = new Layout("UCF101 middle frames", root);
        Path splitFile = layout.find("the split file", "split_zhou_UCF101.json");
        Path frames = layout.find("the frames", "UCF-101-midframes");
        JsonNode json = new ObjectMapper().readTree(splitFile.toFile());
        String key = trainOrVal(split);
        if (!json.path(key).isArray()) {
            throw new IOException(splitFile + " has no '" + key + "' list");
        }
        Map<Integer, String> classByLabel = new TreeMap<>();
        for (String part : List.of("train", "val", "test")) {
            for (JsonNode item : json.path(part)) {
                classByLabel.put(item.path(1).asInt(), item.path(2).asText());
            }
        }
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (JsonNode item : json.path(key)) {
            if (item.size() < 3) {
                throw new IOException(splitFile + ": " + item + " is not [path, label, class name]");
            }
            entries.add(new ListedDataset.Entry(
                    frames.resolve(item.get(0).asText()), item.get(2).asText()));
        }
        return layout.dataset(id, List.copyOf(classByLabel.values()), entries);
    }

    /**
     * CounterAnimal (arXiv 2403.11497): {@code LAION-final/<ImageNet class index> <name>/common-<background>/} and
     * {@code counter-<background>/} (PATH or PATH/LAION-final); labelled by the WordNet id of that index within
     * ImageNet's 1,000 classes, in group {@code common} or {@code counter}.
     */
    static ListedDataset counterAnimal(Path root, String id) throws IOException {
        Layout layout = new Layout("CounterAnimal", root);
        Path classes = Files.isDirectory(root.resolve("LAION-final")) ? root.resolve("LAION-final") : root;
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (Path folder : subfolders(classes)) {
            Matcher name = COUNTER_ANIMAL_CLASS.matcher(folder.getFileName().toString());
            int index = name.matches() ? Integer.parseInt(name.group(1)) : -1;
            if (index < 0 || index >= IMAGENET_WNIDS.size()) {
                throw new IOException("CounterAnimal layout: class folders are '<ImageNet class index> <name>' ("
                        + classes.resolve("1 goldfish") + "/common-water/...); found " + folder);
            }
            for (Path groupFolder : subfolders(folder)) {
                String group = groupFolder.getFileName().toString();
                String kind = group.startsWith("common-") ? "common" : group.startsWith("counter-") ? "counter" : null;
                if (kind == null) {
                    throw new IOException("CounterAnimal layout: " + groupFolder
                            + " is neither common-<background> nor counter-<background>");
                }
                for (Path file : imageFiles(groupFolder)) {
                    entries.add(new ListedDataset.Entry(file, IMAGENET_WNIDS.get(index), kind));
                }
            }
        }
        if (entries.isEmpty()) {
            throw layout.expected("class folders with common-/counter- image folders", "LAION-final/");
        }
        return layout.dataset(id, IMAGENET_WNIDS, entries);
    }

    /** Every image of every class folder under the layout's root, the folder names as classes. */
    private static ListedDataset classFolders(Layout layout, String id) throws IOException {
        List<String> classes = names(subfolders(layout.root));
        if (classes.isEmpty()) {
            throw layout.expected("class folders", "<class>/");
        }
        return layout.dataset(id, classes, classFolderEntries(layout, true));
    }

    private static List<ListedDataset.Entry> classFolderEntries(Layout layout, boolean anyName) throws IOException {
        List<ListedDataset.Entry> entries = new ArrayList<>();
        for (Path folder : subfolders(layout.root)) {
            String label = folder.getFileName().toString();
            if (!anyName && !WNID.matcher(label).matches()) {
                throw new IOException(
                        layout.name + " layout: class folders are WordNet ids (n01440764); found " + folder);
            }
            for (Path file : imageFiles(folder)) {
                entries.add(new ListedDataset.Entry(file, label));
            }
        }
        return entries;
    }

    private static List<String> wnidFolders(Path dir) throws IOException {
        return names(subfolders(dir)).stream()
                .filter(name -> WNID.matcher(name).matches())
                .toList();
    }

    private static List<Path> subfolders(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory)
                    .filter(child -> !child.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(path -> path.getFileName().toString()).toList();
    }

    private static List<Path> imageFiles(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(ImageFiles::isImage).sorted().toList();
        }
    }

    private static double[] numbers(Path file, String variable) throws IOException {
        if (!(MatFile.read(file).get(variable) instanceof MatFile.Numeric numeric)) {
            throw new IOException(file + " has no numeric variable '" + variable + "'");
        }
        return numeric.values();
    }

    /** {@code test} is {@code test1}, {@code train} {@code train1}: DTD's ten splits, numbered. */
    private static String numbered(String split) throws IOException {
        Matcher parts = SPLIT.matcher(split);
        if (!parts.matches()) {
            throw new IOException("split must be train, val or test, optionally numbered (test2), was '" + split + "'");
        }
        return parts.group(1) + (parts.group(2).isEmpty() ? "1" : parts.group(2));
    }

    private static String trainOrTest(String split) throws IOException {
        if (!split.equals("train") && !split.equals("test")) {
            throw new IOException("split must be 'train' or 'test', was '" + split + "'");
        }
        return split;
    }

    private static String trainOrVal(String split) throws IOException {
        if (!split.equals("train") && !split.equals("val") && !split.equals("test")) {
            throw new IOException("split must be 'train', 'val' or 'test', was '" + split + "'");
        }
        return split;
    }

    private static List<String> readWnids() {
        try (InputStream in = PublishedLayouts.class.getResourceAsStream("imagenet-wnids.txt")) {
            if (in == null) {
                throw new IllegalStateException("imagenet-wnids.txt is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> WNID.matcher(line).matches())
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read imagenet-wnids.txt", e);
        }
    }
}
