package io.lr0.producers;

import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A CounterAnimal-style set derived from Fashion-MNIST: each chosen image appears twice, in group {@code common} as
 * it is (the pure-black background every training image has) and in group {@code counter} with that background
 * replaced, per class as CounterAnimal pairs each animal with a background it is rarely photographed on, by a crop
 * of one scene the training data never had (grass behind T-shirts, brick behind trousers, ...: a texture or a photo
 * from Debian's python3-skimage, tools/datasets/counter_backgrounds.py). The garment is kept pixel for pixel: the
 * background is the pure-black region connected to the image's border, so dark pixels inside the garment stay.
 */
public final class CounterAnimalStyle implements DatasetSource {
    public static final String COMMON = "common";
    public static final String COUNTER = "counter";
    /** Fashion-MNIST class index to the background its counter images get, as the resource files name them. */
    static final List<String> BACKGROUNDS = List.of(
            "0-grass",
            "1-brick",
            "2-gravel",
            "3-moon",
            "4-coins",
            "5-coffee",
            "6-cat-fur",
            "7-rocket",
            "8-astronaut",
            "9-camera");

    private final LabelSpace labelSpace;
    private final List<LabeledImage> images;

    private CounterAnimalStyle(LabelSpace labelSpace, List<LabeledImage> images) {
        this.labelSpace = labelSpace;
        this.images = images;
    }

    /**
     * Takes the first {@code perClass} GRAY8 images of each of {@code classes} from {@code source}; class {@code i}
     * of {@code classes} gets background {@code i}.
     */
    public static CounterAnimalStyle derive(
            DatasetSource source, String datasetId, List<String> classes, int perClass) {
        if (classes.size() > BACKGROUNDS.size()) {
            throw new IllegalArgumentException(
                    "A CounterAnimal-style set has " + BACKGROUNDS.size() + " backgrounds, not " + classes.size());
        }
        Map<String, Integer> taken = new HashMap<>();
        List<LabeledImage> images = new ArrayList<>();
        Iterator<LabeledImage> all = source.images();
        while (all.hasNext()
                && taken.values().stream().mapToInt(Integer::intValue).sum() < classes.size() * perClass) {
            LabeledImage image = all.next();
            if (!classes.contains(image.label())
                    || taken.getOrDefault(image.label(), 0) == perClass
                    || image.image().getEncoding() != ImageEncoding.GRAY8) {
                continue;
            }
            int index = taken.merge(image.label(), 1, Integer::sum);
            byte[] pixels = new byte[image.image().getData().remaining()];
            image.image().getData().duplicate().get(pixels);
            String background = BACKGROUNDS.get(classes.indexOf(image.label()));
            byte[] counter = onBackground(
                    pixels, image.image().getWidth(), image.image().getHeight(), background(background), index);
            images.add(copy(image, datasetId, COMMON, index, pixels, "black"));
            images.add(copy(image, datasetId, COUNTER, index, counter, background.substring(2)));
        }
        return new CounterAnimalStyle(
                new LabelSpace(
                        datasetId,
                        classes,
                        List.of(COMMON, COUNTER),
                        "CounterAnimal-style set derived from "
                                + source.labelSpace().id()
                                + ": common = the black background of training, counter = the garment unchanged on a "
                                + "per-class scene it was never trained on"),
                images);
    }

    /**
     * The image with its background (the zero pixels 4-connected to the border) replaced by a crop of {@code scene},
     * the crop's offset varying with {@code index} so the counter images of a class do not share one backdrop.
     */
    static byte[] onBackground(byte[] pixels, int width, int height, BufferedImage scene, int index) {
        boolean[] background = new boolean[pixels.length];
        ArrayDeque<Integer> frontier = new ArrayDeque<>();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = y * width + x;
                boolean border = x == 0 || y == 0 || x == width - 1 || y == height - 1;
                if (border && pixels[at] == 0) {
                    background[at] = true;
                    frontier.add(at);
                }
            }
        }
        while (!frontier.isEmpty()) {
            int at = frontier.poll();
            int x = at % width;
            int y = at / width;
            int[][] neighbours = {{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}};
            for (int[] next : neighbours) {
                if (next[0] >= 0 && next[0] < width && next[1] >= 0 && next[1] < height) {
                    int n = next[1] * width + next[0];
                    if (!background[n] && pixels[n] == 0) {
                        background[n] = true;
                        frontier.add(n);
                    }
                }
            }
        }
        int offsetX = (index * 17) % scene.getWidth();
        int offsetY = (index * 29) % scene.getHeight();
        byte[] result = pixels.clone();
        for (int at = 0; at < pixels.length; at++) {
            if (background[at]) {
                int sx = (offsetX + at % width) % scene.getWidth();
                int sy = (offsetY + at / width) % scene.getHeight();
                result[at] = (byte) (scene.getRaster().getSample(sx, sy, 0));
            }
        }
        return result;
    }

    private static BufferedImage background(String name) {
        String resource = "counter-backgrounds/" + name + ".png";
        try (InputStream in = CounterAnimalStyle.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the classpath");
            }
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the counter background " + resource, e);
        }
    }

    private static LabeledImage copy(
            LabeledImage image, String datasetId, String group, int index, byte[] pixels, String background) {
        Image copy =
                Image.newBuilder(image.image()).setData(ByteBuffer.wrap(pixels)).build();
        return new LabeledImage(
                datasetId + "/" + image.label() + "/" + group + "/" + index,
                copy,
                image.label(),
                group,
                Map.of("derivedFrom", image.id(), "background", background));
    }

    @Override
    public LabelSpace labelSpace() {
        return labelSpace;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public Iterator<LabeledImage> images() {
        return images.iterator();
    }
}
