package io.lr0.producers;

import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A CounterAnimal-style set derived from a gray dataset: each chosen image appears twice, in group {@code common} as
 * it is (dark background, as in training) and in group {@code counter} inverted (a bright background the model never
 * saw): a spurious-background shift, so the common-vs-counter drop can be watched live.
 */
public final class CounterAnimalStyle implements DatasetSource {
    public static final String COMMON = "common";
    public static final String COUNTER = "counter";

    private final LabelSpace labelSpace;
    private final List<LabeledImage> images;

    private CounterAnimalStyle(LabelSpace labelSpace, List<LabeledImage> images) {
        this.labelSpace = labelSpace;
        this.images = images;
    }

    /** Takes the first {@code perClass} GRAY8 images of each of {@code classes} from {@code source}. */
    public static CounterAnimalStyle derive(
            DatasetSource source, String datasetId, List<String> classes, int perClass) {
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
            byte[] inverted = new byte[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                inverted[i] = (byte) (255 - (pixels[i] & 0xFF));
            }
            images.add(copy(image, datasetId, COMMON, index, pixels));
            images.add(copy(image, datasetId, COUNTER, index, inverted));
        }
        return new CounterAnimalStyle(
                new LabelSpace(
                        datasetId,
                        classes,
                        List.of(COMMON, COUNTER),
                        "CounterAnimal-style set derived from "
                                + source.labelSpace().id() + ": common = as is, counter = inverted background"),
                images);
    }

    private static LabeledImage copy(LabeledImage image, String datasetId, String group, int index, byte[] pixels) {
        Image copy =
                Image.newBuilder(image.image()).setData(ByteBuffer.wrap(pixels)).build();
        return new LabeledImage(
                datasetId + "/" + image.label() + "/" + group + "/" + index,
                copy,
                image.label(),
                group,
                Map.of("derivedFrom", image.id()));
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
