package io.lr0.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lr0.schema.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @Test
    void bundledFashionMnistSampleReads() throws IOException {
        DatasetSource sample = new IdxDataset(
                "fashion-mnist",
                "test",
                IdxDataset.FASHION_MNIST_CLASSES,
                "sample",
                () -> getClass()
                        .getResourceAsStream("/io/lr0/producers/fashion-mnist-sample/t10k-images-idx3-ubyte.gz"),
                () -> getClass()
                        .getResourceAsStream("/io/lr0/producers/fashion-mnist-sample/t10k-labels-idx1-ubyte.gz"));

        List<LabeledImage> images = all(sample.images());

        assertEquals(1000, sample.size());
        assertEquals(1000, images.size());
        LabeledImage first = images.get(0);
        assertEquals("fashion-mnist/test/0", first.id());
        assertEquals("Ankle boot", first.label(), "the first Fashion-MNIST test image is an ankle boot (label 9)");
        assertEquals(ImageEncoding.GRAY8, first.image().getEncoding());
        assertEquals(28, first.image().getWidth());
        assertEquals(784, first.image().getData().remaining());
        assertEquals(10, images.stream().map(LabeledImage::label).distinct().count());
    }

    @Test
    void idxDirectoryIsRecognisedAndChecked(@TempDir Path dir) throws IOException {
        writeIdx(dir, "t10k", 3, 2, 2, new byte[] {0, 1, 9});
        DatasetSource digits = Datasets.open(dir, Datasets.Format.AUTO, "test", null);
        assertEquals("mnist", digits.labelSpace().id());
        assertEquals(
                List.of("0", "9"),
                List.of(
                        all(digits.images()).get(0).label(),
                        all(digits.images()).get(2).label()));

        writeIdx(dir, "train", 2, 2, 2, new byte[] {0, 12});
        IOException badLabel = assertThrows(
                IOException.class, () -> Datasets.open(dir, Datasets.Format.IDX, "train", "fashion-mnist"));
        assertTrue(badLabel.getMessage().contains("label 12"), badLabel.getMessage());
    }

    @Test
    void skippingLeavesOutTheFirstImagesOfTheSplit(@TempDir Path dir) throws IOException {
        writeIdx(dir, "t10k", 3, 2, 2, new byte[] {0, 1, 9});
        DatasetSource digits = Datasets.open(dir, Datasets.Format.AUTO, "test", null);
        DatasetSource rest = digits.skipping(1);
        assertEquals(2, rest.size());
        assertEquals(
                List.of("1", "9"),
                all(rest.images()).stream().map(LabeledImage::label).toList());
        assertEquals(
                all(digits.images()).get(1).id(), all(rest.images()).get(0).id(), "the same images, not renumbered");
        assertEquals(0, digits.skipping(5).size());
        assertEquals(List.of(), all(digits.skipping(5).images()));
        assertThrows(IllegalArgumentException.class, () -> digits.skipping(-1));
    }

    @Test
    void cifarBinaryBatchBecomesInterleavedRgb(@TempDir Path dir) throws IOException {
        byte[] record = new byte[1 + 3 * 1024];
        record[0] = 3;
        record[1] = 10; // red of pixel 0
        record[1 + 1024] = 20; // green of pixel 0
        record[1 + 2048] = 30; // blue of pixel 0
        byte[] batch = new byte[record.length * 2];
        System.arraycopy(record, 0, batch, 0, record.length);
        System.arraycopy(record, 0, batch, record.length, record.length);
        batch[record.length] = 8;
        Files.write(dir.resolve("test_batch.bin"), batch);

        DatasetSource cifar = Datasets.open(dir, Datasets.Format.AUTO, "test", null);
        List<LabeledImage> images = all(cifar.images());

        assertEquals("cifar-10", cifar.labelSpace().id());
        assertEquals(2, images.size());
        assertEquals("cat", images.get(0).label());
        assertEquals("ship", images.get(1).label());
        ByteBuffer rgb = images.get(0).image().getData();
        assertEquals(List.of(10, 20, 30), List.of((int) rgb.get(0), (int) rgb.get(1), (int) rgb.get(2)));

        Files.write(dir.resolve("test_batch.bin"), new byte[100]);
        assertThrows(IOException.class, () -> Datasets.open(dir, Datasets.Format.CIFAR10, "test", null));
    }

    @Test
    void linksLeadingOutOfTheFolderAreSkipped(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(outside.resolve("private.png"), new byte[] {9});
        Files.createDirectories(root.resolve("cat"));
        Files.write(root.resolve("cat/a.png"), new byte[] {1});
        Files.createSymbolicLink(root.resolve("cat/b.png"), outside.resolve("private.png"));
        Files.createSymbolicLink(root.resolve("cat/inside.png"), root.resolve("cat/a.png"));
        Files.createSymbolicLink(root.resolve("dog"), outside);

        List<LabeledImage> images =
                all(Datasets.open(root, Datasets.Format.AUTO, "test", "pets").images());

        assertEquals(
                List.of("pets/cat/a.png", "pets/cat/inside.png"),
                images.stream().map(LabeledImage::id).toList(),
                "only files that really lie under the root");
    }

    @Test
    void imageFolderWithGroups(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("cow/common"));
        Files.createDirectories(dir.resolve("cow/counter"));
        Files.createDirectories(dir.resolve("duck"));
        Files.write(dir.resolve("cow/common/a.png"), new byte[] {1});
        Files.write(dir.resolve("cow/counter/b.jpg"), new byte[] {2});
        Files.write(dir.resolve("duck/c.JPEG"), new byte[] {3});
        Files.write(dir.resolve("duck/notes.txt"), new byte[] {4});

        DatasetSource folder = Datasets.open(dir, Datasets.Format.AUTO, "test", "counteranimal");
        List<LabeledImage> images = all(folder.images());

        assertEquals(List.of("cow", "duck"), folder.labelSpace().classes());
        assertEquals(List.of("common", "counter"), folder.labelSpace().groups());
        assertEquals(3, images.size());
        assertEquals("counteranimal/cow/common/a.png", images.get(0).id());
        assertEquals("common", images.get(0).group());
        assertEquals(ImageEncoding.JPEG, images.get(1).image().getEncoding());
        assertEquals("counter", images.get(1).group());
        assertNull(images.get(2).group());
        assertEquals("duck", images.get(2).label());
    }

    @Test
    void counterAnimalStyleSetKeepsTheGarmentAndReplacesItsBackground() throws IOException {
        CounterAnimalStyle set = CounterAnimalStyle.derive(
                Datasets.defaultFashionMnist("test"), "fm-groups", IdxDataset.FASHION_MNIST_CLASSES, 3);
        List<LabeledImage> images = all(set.images());

        assertEquals(60, set.size());
        assertEquals(List.of("common", "counter"), set.labelSpace().groups());
        for (int i = 0; i < images.size(); i += 2) {
            LabeledImage common = images.get(i);
            LabeledImage counter = images.get(i + 1);
            assertEquals("common", common.group());
            assertEquals("counter", counter.group());
            assertEquals(common.label(), counter.label());
            assertEquals("black", common.attributes().get("background"));
            byte[] before = bytes(common);
            byte[] after = bytes(counter);
            int replaced = 0;
            for (int p = 0; p < before.length; p++) {
                if (before[p] != 0) {
                    assertEquals(before[p], after[p], "a garment pixel is kept as it is");
                } else if (before[p] != after[p]) {
                    replaced++;
                }
            }
            assertTrue(replaced > 100, counter.id() + ": " + replaced + " background pixels replaced");
        }
        List<String> backgrounds = images.stream()
                .filter(image -> image.group().equals("counter"))
                .map(image -> image.label() + "=" + image.attributes().get("background"))
                .distinct()
                .toList();
        assertEquals(10, backgrounds.size(), "one scene per class: " + backgrounds);
        assertTrue(
                backgrounds.contains("T-shirt/top=grass") && backgrounds.contains("Ankle boot=camera"),
                backgrounds.toString());
    }

    /** Only the black connected to the border is background: a black hole inside the garment stays black. */
    @Test
    void theBackgroundIsTheBlackThatReachesTheBorder() {
        byte[] pixels = {
            0, 0, 0, 0, 0,
            0, 9, 9, 9, 0,
            0, 9, 0, 9, 0,
            0, 9, 9, 9, 0,
            0, 0, 0, 0, 0
        };
        BufferedImage scene = new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                scene.getRaster().setSample(x, y, 0, 200);
            }
        }
        byte[] result = CounterAnimalStyle.onBackground(pixels, 5, 5, scene, 1);
        assertEquals(0, result[12], "the enclosed hole");
        assertEquals(9, result[6]);
        assertEquals(200, result[0] & 0xFF);
        assertEquals(200, result[24] & 0xFF);
        assertEquals(
                16,
                IntStream.range(0, 25).filter(i -> (result[i] & 0xFF) == 200).count());
    }

    private static byte[] bytes(LabeledImage image) {
        byte[] data = new byte[image.image().getData().remaining()];
        image.image().getData().duplicate().get(data);
        return data;
    }

    @Test
    void progressBarLine() {
        ProgressBar bar = new ProgressBar("x", 200, System.err, false);
        String line = bar.line(50, System.nanoTime());
        assertTrue(line.startsWith("x [#######......................."), line);
        assertTrue(line.contains("50/200  25%"), line);
    }

    private static List<LabeledImage> all(Iterator<LabeledImage> images) {
        List<LabeledImage> list = new ArrayList<>();
        images.forEachRemaining(list::add);
        return list;
    }

    private static void writeIdx(Path dir, String prefix, int count, int rows, int cols, byte[] labels)
            throws IOException {
        try (OutputStream out =
                new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz")))) {
            out.write(ByteBuffer.allocate(16)
                    .putInt(0x803)
                    .putInt(count)
                    .putInt(rows)
                    .putInt(cols)
                    .array());
            out.write(new byte[count * rows * cols]);
        }
        Files.write(
                dir.resolve(prefix + "-labels-idx1-ubyte"),
                ByteBuffer.allocate(8 + labels.length)
                        .putInt(0x801)
                        .putInt(labels.length)
                        .put(labels)
                        .array());
    }
}
