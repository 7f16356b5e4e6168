package io.lr0.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each LR0.FM benchmark reader on a small fixture built in the published layout (the MATLAB label files written by
 * scipy: tools/datasets/mat_fixtures.py), and a wrong layout named.
 */
class PublishedLayoutsTest {

    private static void image(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString().toLowerCase();
        ImageIO.write(
                new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB),
                name.endsWith(".png") ? "png" : "jpg",
                file.toFile());
    }

    private static void text(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static void mat(Path file, String fixture) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, MatFileTest.fixture(fixture));
    }

    /** "label <- file" for every image, in order. */
    private static List<String> read(DatasetSource dataset) {
        List<String> rows = new ArrayList<>();
        for (Iterator<LabeledImage> images = dataset.images(); images.hasNext(); ) {
            LabeledImage image = images.next();
            rows.add(image.label() + " <- " + image.attributes().get("file"));
        }
        assertEquals(dataset.size(), rows.size());
        return rows;
    }

    private static DatasetSource open(Path root, Datasets.Format format, String split) throws IOException {
        return Datasets.open(root, format, split, null);
    }

    private static String error(Path root, Datasets.Format format, String split) {
        return assertThrows(IOException.class, () -> open(root, format, split)).getMessage();
    }

    @Test
    void imagenetValInClassFoldersOrFlatWithEitherLabelMapping(@TempDir Path dir) throws IOException {
        // LR0.FM's layout: validation/<wnid>/.
        image(dir.resolve("sorted/validation/n01440764/ILSVRC2012_val_00000293.JPEG"));
        image(dir.resolve("sorted/validation/n15075141/ILSVRC2012_val_00000010.JPEG"));
        DatasetSource sorted = open(dir.resolve("sorted"), Datasets.Format.IMAGENET1K, "test");
        assertEquals("imagenet1k", sorted.labelSpace().id());
        assertEquals(1000, sorted.labelSpace().classes().size(), "every class, in class-index order");
        assertEquals("n01440764", sorted.labelSpace().classes().get(0));
        assertEquals(
                List.of(
                        "n01440764 <- validation/n01440764/ILSVRC2012_val_00000293.JPEG",
                        "n15075141 <- validation/n15075141/ILSVRC2012_val_00000010.JPEG"),
                read(sorted));

        // The published flat folder with Kaggle's solution file.
        image(dir.resolve("kaggle/ILSVRC2012_val_00000001.JPEG"));
        image(dir.resolve("kaggle/ILSVRC2012_val_00000002.JPEG"));
        text(
                dir.resolve("kaggle/LOC_val_solution.csv"),
                "ImageId,PredictionString\n"
                        + "ILSVRC2012_val_00000002,n02100735 1 2 3 4 n02100735 5 6 7 8\n"
                        + "ILSVRC2012_val_00000001,n02119789 1 2 3 4\n");
        assertEquals(
                List.of("n02119789 <- ILSVRC2012_val_00000001.JPEG", "n02100735 <- ILSVRC2012_val_00000002.JPEG"),
                read(open(dir.resolve("kaggle"), Datasets.Format.IMAGENET1K, "test")));

        // The devkit: ground truth by ILSVRC2012_ID (1 = kit fox), mapped through meta.mat's synsets.
        for (int i = 1; i <= 3; i++) {
            image(dir.resolve(String.format("devkit/ILSVRC2012_val_%08d.JPEG", i)));
        }
        text(dir.resolve("devkit/ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt"), "4\n1\n3\n");
        String noMeta = error(dir.resolve("devkit"), Datasets.Format.IMAGENET1K, "test");
        assertTrue(noMeta.contains("ILSVRC2012_devkit_t12/data/meta.mat"), noMeta);
        mat(dir.resolve("devkit/ILSVRC2012_devkit_t12/data/meta.mat"), "imagenet-meta.mat");
        assertEquals(
                List.of(
                        "n02096294 <- ILSVRC2012_val_00000001.JPEG",
                        "n02119789 <- ILSVRC2012_val_00000002.JPEG",
                        "n02110185 <- ILSVRC2012_val_00000003.JPEG"),
                read(open(dir.resolve("devkit"), Datasets.Format.IMAGENET1K, "test")));

        Files.createDirectories(dir.resolve("empty"));
        String wrong = error(dir.resolve("empty"), Datasets.Format.IMAGENET1K, "test");
        assertTrue(
                wrong.contains("ImageNet validation layout: expected")
                        && wrong.contains("ILSVRC2012_val_00000001.JPEG"),
                wrong);
    }

    @Test
    void imagenetVariants(@TempDir Path dir) throws IOException {
        image(dir.resolve("imagenet-a/n01498041/0.000116_digital clock _ digital clock_0.865662.jpg"));
        image(dir.resolve("imagenet-a/n12267677/1.jpg"));
        text(dir.resolve("imagenet-a/README.txt"), "ImageNet-A");
        DatasetSource a = open(dir.resolve("imagenet-a"), Datasets.Format.IMAGENET_A, "test");
        assertEquals("imagenet_a", a.labelSpace().id());
        assertEquals(List.of("n01498041", "n12267677"), a.labelSpace().classes());
        assertEquals("n12267677 <- n12267677/1.jpg", read(a).get(1));

        image(dir.resolve("sketch/n01440764/sketch_0.JPEG"));
        assertEquals(
                List.of("n01440764 <- n01440764/sketch_0.JPEG"),
                read(open(dir.resolve("sketch"), Datasets.Format.IMAGENET_SKETCH, "test")));
        image(dir.resolve("imagenet-r/n01443537/art_0.jpg"));
        assertEquals(
                "imagenet_r",
                open(dir.resolve("imagenet-r"), Datasets.Format.IMAGENET_R, "test")
                        .labelSpace()
                        .id());

        // ImageNet-V2: folders are class indices.
        image(dir.resolve("imagenetv2-matched-frequency-format-val/0/a.jpeg"));
        image(dir.resolve("imagenetv2-matched-frequency-format-val/999/b.jpeg"));
        DatasetSource v2 =
                open(dir.resolve("imagenetv2-matched-frequency-format-val"), Datasets.Format.IMAGENET_V2, "test");
        assertEquals(List.of("n01440764 <- 0/a.jpeg", "n15075141 <- 999/b.jpeg"), read(v2));

        image(dir.resolve("notwnids/dogs/x.jpg"));
        String wrong = error(dir.resolve("notwnids"), Datasets.Format.IMAGENET_A, "test");
        assertTrue(wrong.contains("ImageNet-A layout: expected class folders named by WordNet id"), wrong);
        String v2Wrong = error(dir.resolve("notwnids"), Datasets.Format.IMAGENET_V2, "test");
        assertTrue(v2Wrong.contains("class folders are ImageNet class indices 0-999"), v2Wrong);
    }

    @Test
    void caltech101AndEurosatClassFolders(@TempDir Path dir) throws IOException {
        image(dir.resolve("caltech101/101_ObjectCategories/BACKGROUND_Google/image_0001.jpg"));
        image(dir.resolve("caltech101/101_ObjectCategories/car_side/image_0001.jpg"));
        image(dir.resolve("caltech101/101_ObjectCategories/accordion/image_0002.jpg"));
        DatasetSource caltech = open(dir.resolve("caltech101"), Datasets.Format.CALTECH101, "test");
        assertEquals(
                List.of("BACKGROUND_Google", "accordion", "car_side"),
                caltech.labelSpace().classes());
        assertEquals("car_side <- car_side/image_0001.jpg", read(caltech).get(2));
        assertTrue(error(dir.resolve("caltech101/101_ObjectCategories/car_side"), Datasets.Format.CALTECH101, "test")
                .contains("101_ObjectCategories"));

        image(dir.resolve("eurosat/2750/AnnualCrop/AnnualCrop_1.jpg"));
        image(dir.resolve("eurosat/2750/SeaLake/SeaLake_7.jpg"));
        DatasetSource eurosat = open(dir.resolve("eurosat"), Datasets.Format.EUROSAT, "test");
        assertEquals(List.of("AnnualCrop", "SeaLake"), eurosat.labelSpace().classes());
        assertEquals(
                List.of("AnnualCrop <- AnnualCrop/AnnualCrop_1.jpg", "SeaLake <- SeaLake/SeaLake_7.jpg"),
                read(eurosat));
        String wrong = error(dir.resolve("caltech101"), Datasets.Format.EUROSAT, "test");
        assertTrue(
                wrong.contains("EuroSAT layout: expected the class folders at") && wrong.contains("2750/AnnualCrop"),
                wrong);
    }

    @Test
    void dtdAndFood101SplitLists(@TempDir Path dir) throws IOException {
        image(dir.resolve("dtd/images/banded/banded_0002.jpg"));
        image(dir.resolve("dtd/images/zigzagged/zigzagged_0001.jpg"));
        image(dir.resolve("dtd/images/zigzagged/zigzagged_0003.jpg"));
        text(dir.resolve("dtd/labels/test1.txt"), "banded/banded_0002.jpg\nzigzagged/zigzagged_0003.jpg\n");
        text(dir.resolve("dtd/labels/test2.txt"), "zigzagged/zigzagged_0001.jpg\n");
        DatasetSource dtd = open(dir.resolve("dtd"), Datasets.Format.DTD, "test");
        assertEquals(List.of("banded", "zigzagged"), dtd.labelSpace().classes());
        assertEquals(
                List.of("banded <- images/banded/banded_0002.jpg", "zigzagged <- images/zigzagged/zigzagged_0003.jpg"),
                read(dtd));
        assertEquals(1, open(dir.resolve("dtd"), Datasets.Format.DTD, "test2").size());
        assertTrue(error(dir.resolve("dtd"), Datasets.Format.DTD, "test3").contains("labels/test3.txt"));

        image(dir.resolve("food-101/images/apple_pie/1011328.jpg"));
        image(dir.resolve("food-101/images/waffles/2.jpg"));
        text(dir.resolve("food-101/meta/classes.txt"), "apple_pie\nwaffles\n");
        text(dir.resolve("food-101/meta/test.txt"), "apple_pie/1011328\nwaffles/2\n");
        DatasetSource food = open(dir.resolve("food-101"), Datasets.Format.FOOD101, "test");
        assertEquals("food101", food.labelSpace().id());
        assertEquals(
                List.of("apple_pie <- images/apple_pie/1011328.jpg", "waffles <- images/waffles/2.jpg"), read(food));
        String wrong = error(dir.resolve("food-101"), Datasets.Format.FOOD101, "train");
        assertTrue(
                wrong.contains("Food-101 layout: expected split train's list at") && wrong.contains("meta/train.txt"),
                wrong);
    }

    /**
     * Without --format a published layout is recognised by its files (Food-101's root was read as an image folder
     * of the classes 'images' and 'meta', train and test together), and ImageNet-style class folders, shared by
     * four benchmarks, are refused naming the formats to choose from.
     */
    @Test
    void publishedLayoutsAreRecognisedWithoutFormat(@TempDir Path dir) throws IOException {
        image(dir.resolve("food-101/images/apple_pie/1011328.jpg"));
        image(dir.resolve("food-101/images/waffles/2.jpg"));
        text(dir.resolve("food-101/meta/classes.txt"), "apple_pie\nwaffles\n");
        text(dir.resolve("food-101/meta/test.txt"), "apple_pie/1011328\n");
        text(dir.resolve("food-101/meta/train.txt"), "waffles/2\n");
        DatasetSource food = open(dir.resolve("food-101"), Datasets.Format.AUTO, "test");
        assertEquals("food101", food.labelSpace().id());
        assertEquals(List.of("apple_pie", "waffles"), food.labelSpace().classes());
        assertEquals(List.of("apple_pie <- images/apple_pie/1011328.jpg"), read(food), "the test split alone");

        image(dir.resolve("sketch/n01440764/sketch_0.JPEG"));
        String ambiguous = error(dir.resolve("sketch"), Datasets.Format.AUTO, "test");
        assertTrue(ambiguous.contains("--format imagenet1k, imagenet_a, imagenet_r or imagenet_sketch"), ambiguous);

        image(dir.resolve("plain/cat/1.png"));
        assertEquals(
                List.of("cat"),
                open(dir.resolve("plain"), Datasets.Format.AUTO, "test")
                        .labelSpace()
                        .classes());
    }

    @Test
    void petsAnnotationListAndAircraftVariantLists(@TempDir Path dir) throws IOException {
        image(dir.resolve("oxford-iiit-pet/images/Abyssinian_100.jpg"));
        image(dir.resolve("oxford-iiit-pet/images/american_pit_bull_terrier_12.jpg"));
        text(
                dir.resolve("oxford-iiit-pet/annotations/test.txt"),
                "#Image CLASS-ID SPECIES BREED ID\nAbyssinian_100 1 1 1\namerican_pit_bull_terrier_12 3 2 2\n");
        DatasetSource pets = open(dir.resolve("oxford-iiit-pet"), Datasets.Format.PETS, "test");
        assertEquals(
                List.of("Abyssinian", "american_pit_bull_terrier"),
                pets.labelSpace().classes());
        assertEquals(
                "american_pit_bull_terrier <- images/american_pit_bull_terrier_12.jpg",
                read(pets).get(1));

        image(dir.resolve("fgvc-aircraft-2013b/data/images/1514522.jpg"));
        image(dir.resolve("fgvc-aircraft-2013b/data/images/0056978.jpg"));
        text(dir.resolve("fgvc-aircraft-2013b/data/variants.txt"), "707-320\nF/A-18\nBoeing 717\n");
        text(dir.resolve("fgvc-aircraft-2013b/data/images_variant_test.txt"), "1514522 F/A-18\n0056978 Boeing 717\n");
        DatasetSource aircraft = open(dir.resolve("fgvc-aircraft-2013b"), Datasets.Format.FGVC_AIRCRAFT, "test");
        assertEquals(
                List.of("707-320", "F/A-18", "Boeing 717"),
                aircraft.labelSpace().classes());
        assertEquals(
                List.of("F/A-18 <- data/images/1514522.jpg", "Boeing 717 <- data/images/0056978.jpg"), read(aircraft));
        assertTrue(error(dir.resolve("fgvc-aircraft-2013b"), Datasets.Format.FGVC_AIRCRAFT, "train")
                .contains("data/images_variant_trainval.txt"));
    }

    @Test
    void flowersAndCarsMatlabLabelFiles(@TempDir Path dir) throws IOException {
        for (int i = 1; i <= 6; i++) {
            image(dir.resolve(String.format("flowers-102/jpg/image_%05d.jpg", i)));
        }
        Path flowers = dir.resolve("flowers-102");
        assertTrue(error(flowers, Datasets.Format.FLOWERS, "test").contains("imagelabels.mat"));
        mat(flowers.resolve("imagelabels.mat"), "flowers-imagelabels.mat");
        mat(flowers.resolve("setid.mat"), "flowers-setid.mat");
        DatasetSource test = open(flowers, Datasets.Format.FLOWERS, "test");
        assertEquals(102, test.labelSpace().classes().size());
        assertEquals(
                List.of("2 <- jpg/image_00004.jpg", "1 <- jpg/image_00005.jpg", "102 <- jpg/image_00006.jpg"),
                read(test));
        assertEquals(
                List.of("1 <- jpg/image_00001.jpg", "2 <- jpg/image_00002.jpg"),
                read(open(flowers, Datasets.Format.FLOWERS, "train")));

        Path cars = dir.resolve("stanford_cars");
        for (int i = 1; i <= 3; i++) {
            image(cars.resolve(String.format("cars_test/%05d.jpg", i)));
        }
        mat(cars.resolve("cars_test_annos_withlabels.mat"), "cars_test_annos_withlabels.mat");
        String noMeta = error(cars, Datasets.Format.CARS, "test");
        assertTrue(noMeta.contains("devkit/cars_meta.mat"), noMeta);
        mat(cars.resolve("devkit/cars_meta.mat"), "cars_meta.mat");
        DatasetSource carsTest = open(cars, Datasets.Format.CARS, "test");
        assertEquals(3, carsTest.labelSpace().classes().size());
        assertEquals(
                List.of(
                        "AM General Hummer SUV 2000 <- cars_test/00001.jpg",
                        "Ram C/V Cargo Van Minivan 2012 <- cars_test/00002.jpg",
                        "Acura RL Sedan 2012 <- cars_test/00003.jpg"),
                read(carsTest));
    }

    @Test
    void sun397PartitionsAndUcf101MiddleFrames(@TempDir Path dir) throws IOException {
        Path sun = dir.resolve("SUN397");
        image(sun.resolve("a/abbey/sun_aqswjsnjlrfzzhiz.jpg"));
        image(sun.resolve("a/apartment_building/outdoor/sun_a.jpg"));
        text(sun.resolve("Partitions/ClassName.txt"), "/a/abbey\n/a/apartment_building/outdoor\n");
        text(
                sun.resolve("Partitions/Testing_01.txt"),
                "/a/abbey/sun_aqswjsnjlrfzzhiz.jpg\n/a/apartment_building/outdoor/sun_a.jpg\n");
        DatasetSource sun397 = open(sun, Datasets.Format.SUN397, "test");
        assertEquals(
                List.of("abbey", "apartment_building/outdoor"),
                sun397.labelSpace().classes());
        assertEquals(
                List.of(
                        "abbey <- a/abbey/sun_aqswjsnjlrfzzhiz.jpg",
                        "apartment_building/outdoor <- a/apartment_building/outdoor/sun_a.jpg"),
                read(sun397));
        String wrong = error(sun, Datasets.Format.SUN397, "test2");
        assertTrue(
                wrong.contains("partition list Testing_02.txt") && wrong.contains("Partitions/Testing_02.txt"), wrong);

        Path ucf = dir.resolve("UCF101_midframes");
        image(ucf.resolve("UCF-101-midframes/Apply_Eye_Makeup/v_ApplyEyeMakeup_g01_c01.jpg"));
        image(ucf.resolve("UCF-101-midframes/Yo_Yo/v_YoYo_g07_c03.jpg"));
        text(
                ucf.resolve("split_zhou_UCF101.json"),
                "{\"train\": [[\"Yo_Yo/v_YoYo_g20_c01.jpg\", 100, \"Yo_Yo\"]],"
                        + " \"val\": [], \"test\": [[\"Apply_Eye_Makeup/v_ApplyEyeMakeup_g01_c01.jpg\", 0, \"Apply_Eye_Makeup\"],"
                        + " [\"Yo_Yo/v_YoYo_g07_c03.jpg\", 100, \"Yo_Yo\"]]}");
        DatasetSource ucf101 = open(ucf, Datasets.Format.UCF101, "test");
        assertEquals(List.of("Apply_Eye_Makeup", "Yo_Yo"), ucf101.labelSpace().classes());
        assertEquals(
                List.of(
                        "Apply_Eye_Makeup <- UCF-101-midframes/Apply_Eye_Makeup/v_ApplyEyeMakeup_g01_c01.jpg",
                        "Yo_Yo <- UCF-101-midframes/Yo_Yo/v_YoYo_g07_c03.jpg"),
                read(ucf101));
        String missing = error(ucf, Datasets.Format.UCF101, "train");
        assertTrue(
                missing.contains("1 of the 1 listed images are missing, the first ") && missing.contains("g20"),
                missing);
    }

    /** CounterAnimal's release: LAION-final/<ImageNet index> <name>/{common,counter}-<background>/. */
    @Test
    void counterAnimalGroupsByBackground(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("CounterAnimal");
        image(root.resolve("LAION-final/1 goldfish/common-water/a.jpg"));
        image(root.resolve("LAION-final/1 goldfish/counter-earth/b.jpg"));
        image(root.resolve("LAION-final/150 sea lion/common-water/c.jpg"));
        DatasetSource animals = open(root, Datasets.Format.COUNTERANIMAL, "test");
        assertEquals("counteranimal", animals.labelSpace().id());
        assertEquals(List.of("common", "counter"), animals.labelSpace().groups());
        assertEquals(1000, animals.labelSpace().classes().size(), "ImageNet's label space");
        List<LabeledImage> images = new ArrayList<>();
        animals.images().forEachRemaining(images::add);
        assertEquals(
                List.of("n01443537 common", "n01443537 counter", "n02077923 common"),
                images.stream()
                        .map(image -> image.label() + " " + image.group())
                        .toList());

        image(root.resolve("LAION-final/1 goldfish/odd/d.jpg"));
        String wrong = error(root, Datasets.Format.COUNTERANIMAL, "test");
        assertTrue(wrong.contains("neither common-<background> nor counter-<background>"), wrong);
        image(dir.resolve("plain/goldfish/common-water/a.jpg"));
        assertTrue(error(dir.resolve("plain"), Datasets.Format.COUNTERANIMAL, "test")
                .contains("class folders are '<ImageNet class index> <name>'"));
    }

    @Test
    void aListCannotLeadOutsideTheDataset(@TempDir Path dir) throws IOException {
        image(dir.resolve("secret/x.jpg"));
        image(dir.resolve("food-101/images/a/1.jpg"));
        text(dir.resolve("food-101/meta/classes.txt"), "a\n");
        text(dir.resolve("food-101/meta/test.txt"), "a/1\na/../../../secret/x\n");
        String error = error(dir.resolve("food-101"), Datasets.Format.FOOD101, "test");
        assertTrue(error.contains("lies outside"), error);
    }

    /**
     * The layouts users have besides the published archives: Kaggle's ImageNet competition root, torchvision's
     * roots (one folder per benchmark inside), an images/ folder linked to another disk, SUN397 without its
     * partition lists, Pets' trainval split and the format by another name.
     */
    @Test
    void kaggleTorchvisionSymlinksAndOtherNames(@TempDir Path dir) throws IOException {
        // Kaggle: the solution file at the competition root, four levels above the images.
        Path kaggle = dir.resolve("imagenet-object-localization-challenge");
        image(kaggle.resolve("ILSVRC/Data/CLS-LOC/val/ILSVRC2012_val_00000001.JPEG"));
        text(kaggle.resolve("LOC_val_solution.csv"), "ImageId,PredictionString\nILSVRC2012_val_00000001,n02119789 1\n");
        List<String> expected = List.of("n02119789 <- ILSVRC/Data/CLS-LOC/val/ILSVRC2012_val_00000001.JPEG");
        assertEquals(expected, read(open(kaggle, Datasets.Format.AUTO, "test")), "the competition root");
        assertEquals(
                List.of("n02119789 <- ILSVRC2012_val_00000001.JPEG"),
                read(open(kaggle.resolve("ILSVRC/Data/CLS-LOC/val"), Datasets.Format.IMAGENET1K, "test")),
                "the images' folder");

        // torchvision: Food101(root) downloads to root/food-101, DTD(root) to root/dtd/dtd, and so on.
        Path torchvision = dir.resolve("torchvision");
        image(torchvision.resolve("food-101/images/apple_pie/1.jpg"));
        text(torchvision.resolve("food-101/meta/classes.txt"), "apple_pie\n");
        text(torchvision.resolve("food-101/meta/test.txt"), "apple_pie/1\n");
        assertEquals(
                List.of("apple_pie <- images/apple_pie/1.jpg"),
                read(open(torchvision, Datasets.Format.FOOD101, "test")));
        assertEquals(
                "food101",
                open(torchvision, Datasets.Format.AUTO, "test").labelSpace().id());
        image(torchvision.resolve("dtd/dtd/images/banded/banded_0002.jpg"));
        text(torchvision.resolve("dtd/dtd/labels/test1.txt"), "banded/banded_0002.jpg\n");
        assertEquals(1, open(torchvision, Datasets.Format.DTD, "test").size());
        String several = error(torchvision, Datasets.Format.AUTO, "test");
        assertTrue(several.contains("several benchmarks: name one with --format dtd or food101"), several);
        image(torchvision.resolve("eurosat/2750/AnnualCrop/AnnualCrop_1.jpg"));
        assertEquals(
                List.of("AnnualCrop <- AnnualCrop/AnnualCrop_1.jpg"),
                read(open(torchvision, Datasets.Format.EUROSAT, "test")));

        // images/ linked to another disk is followed; a link inside it that leads out is not.
        Path disk = dir.resolve("other-disk/food-images");
        image(disk.resolve("waffles/2.jpg"));
        Path linked = dir.resolve("linked-food-101");
        text(linked.resolve("meta/classes.txt"), "waffles\n");
        text(linked.resolve("meta/test.txt"), "waffles/2\n");
        Files.createSymbolicLink(linked.resolve("images"), disk);
        assertEquals(List.of("waffles <- images/waffles/2.jpg"), read(open(linked, Datasets.Format.FOOD101, "test")));
        image(dir.resolve("private/me.jpg"));
        Files.createSymbolicLink(disk.resolve("waffles/3.jpg"), dir.resolve("private/me.jpg"));
        text(linked.resolve("meta/test.txt"), "waffles/2\nwaffles/3\n");
        String leadsOut = error(linked, Datasets.Format.FOOD101, "test");
        assertTrue(leadsOut.contains("waffles/3.jpg links to") && leadsOut.contains("lies outside"), leadsOut);

        // SUN397 as torchvision has it: no partition lists; --split all reads every image of the listed classes.
        Path sun = dir.resolve("sun-torchvision/SUN397");
        image(sun.resolve("a/abbey/sun_1.jpg"));
        image(sun.resolve("a/apartment_building/outdoor/sun_2.jpg"));
        text(sun.resolve("ClassName.txt"), "/a/abbey\n/a/apartment_building/outdoor\n");
        String noPartitions = error(dir.resolve("sun-torchvision"), Datasets.Format.SUN397, "test");
        assertTrue(
                noPartitions.contains(sun.resolve("Partitions/Testing_01.txt").toString())
                        && noPartitions.contains("--split all"),
                noPartitions);
        assertEquals(
                List.of(
                        "abbey <- a/abbey/sun_1.jpg",
                        "apartment_building/outdoor <- a/apartment_building/outdoor/sun_2.jpg"),
                read(open(dir.resolve("sun-torchvision"), Datasets.Format.SUN397, "all")));

        // Pets: the release names its training list trainval.
        image(dir.resolve("pets/images/Abyssinian_1.jpg"));
        text(dir.resolve("pets/annotations/trainval.txt"), "Abyssinian_1 1 1 1\n");
        assertEquals(
                1, open(dir.resolve("pets"), Datasets.Format.PETS, "trainval").size());

        // The format by the names the prompt files accept.
        assertEquals(Datasets.Format.FLOWERS, Datasets.Format.parse("flowers102"));
        assertEquals(Datasets.Format.FGVC_AIRCRAFT, Datasets.Format.parse("fgvc-aircraft"));
        assertEquals(Datasets.Format.PETS, Datasets.Format.parse("PETS"));
        String unknown = assertThrows(IllegalArgumentException.class, () -> Datasets.Format.parse("mnist-ish"))
                .getMessage();
        assertTrue(unknown.contains("one of auto, idx"), unknown);
    }
}
