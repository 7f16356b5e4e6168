package io.lr0.bench;

import io.lr0.producers.DatasetSource;
import io.lr0.producers.Datasets;
import io.lr0.producers.LabeledImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where a benchmark's images come from: Fashion-MNIST's test split, or a folder of photos. */
final class SampleOptions {
    /** The most distinct images a benchmark cycles through. */
    static final int DISTINCT_IMAGES = 2000;

    @Option(
            names = "--images-from",
            paramLabel = "DIR",
            description = "An image folder (DIR/<class>/*.{jpg,png}, as 'lr0 produce dataset --format FOLDER' reads it)"
                    + " instead of Fashion-MNIST's test split: e.g. the Debian-packaged photos tools/bench/photos.py"
                    + " writes. Its images are degraded to degrade.resolutions (16,32,64,128) plus native.")
    Path folder;

    private DatasetSource opened;

    /** The source, opened once (a folder is listed once, however often a benchmark asks). */
    DatasetSource open() throws IOException {
        if (opened == null) {
            opened = folder == null
                    ? Datasets.defaultFashionMnist("test")
                    : Datasets.open(folder, Datasets.Format.FOLDER, "test", null);
        }
        return opened;
    }

    /** What the images are, for the first line a benchmark prints. */
    String describe(List<LabeledImage> sample) {
        return folder == null ? sample.size() + " Fashion-MNIST test images" : sample.size() + " images of " + folder;
    }

    /** The source's images up to {@code max}, each once; an empty source is refused as {@link #sample} refuses it. */
    List<LabeledImage> distinct(int max) throws IOException {
        return sample(Math.max(1, Math.min(open().size(), max)));
    }

    /** The first {@code count} images of the source, cycling through it when it has fewer, each with its own id. */
    List<LabeledImage> sample(int count) throws IOException {
        DatasetSource source = open();
        List<LabeledImage> sample = new ArrayList<>();
        while (sample.size() < count) {
            Iterator<LabeledImage> images = source.images();
            if (!images.hasNext()) {
                throw new IOException("No images in " + (folder == null ? "Fashion-MNIST's test split" : folder));
            }
            while (images.hasNext() && sample.size() < count) {
                LabeledImage image = images.next();
                sample.add(new LabeledImage(
                        image.id() + "#" + sample.size(), image.image(), image.label(), null, Map.of()));
            }
        }
        return sample;
    }
}
