package io.lr0.producers;

import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style IDX files (Fashion-MNIST ships in this format): an idx3 file of unsigned-byte images and an idx1 file
 * of labels, either optionally gzipped. Images are produced as raw GRAY8.
 */
public final class IdxDataset implements DatasetSource {
    /** Fashion-MNIST's classes, in label order (github.com/zalandoresearch/fashion-mnist). */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    /** Opens a stream on one file; called again for every pass over the data. */
    public interface Opener {
        InputStream open() throws IOException;
    }

    private final LabelSpace labelSpace;
    private final String split;
    private final Opener imagesFile;
    private final byte[] labels;
    private final int rows;
    private final int columns;

    public IdxDataset(
            String id, String split, List<String> classes, String description, Opener imagesFile, Opener labelsFile)
            throws IOException {
        this.labelSpace = new LabelSpace(id, classes, List.of(), description);
        this.split = split;
        this.imagesFile = imagesFile;
        try (DataInputStream in = data(labelsFile.open())) {
            requireMagic(in.readInt(), LABELS_MAGIC, "labels");
            this.labels = in.readNBytes(in.readInt());
        }
        try (DataInputStream in = data(imagesFile.open())) {
            requireMagic(in.readInt(), IMAGES_MAGIC, "images");
            int count = in.readInt();
            this.rows = in.readInt();
            this.columns = in.readInt();
            if (count != labels.length) {
                throw new IOException(
                        "IDX images file holds " + count + " images but the labels file " + labels.length + " labels");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xFF) >= classes.size()) {
                throw new IOException("IDX label " + (labels[i] & 0xFF) + " of image " + i + " is outside the "
                        + classes.size() + " classes of " + id);
            }
        }
    }

    @Override
    public LabelSpace labelSpace() {
        return labelSpace;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public Iterator<LabeledImage> images() {
        DataInputStream in;
        try {
            in = data(imagesFile.open());
            in.skipNBytes(16);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reopen the IDX images of " + labelSpace.id(), e);
        }
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < labels.length;
            }

            @Override
            public LabeledImage next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    byte[] pixels = in.readNBytes(rows * columns);
                    if (pixels.length != rows * columns) {
                        throw new IOException("IDX images file of " + labelSpace.id() + " ends inside image " + next);
                    }
                    int index = next++;
                    if (next == labels.length) {
                        in.close();
                    }
                    Image image = Image.newBuilder()
                            .setEncoding(ImageEncoding.GRAY8)
                            .setWidth(columns)
                            .setHeight(rows)
                            .setData(ByteBuffer.wrap(pixels))
                            .build();
                    return new LabeledImage(
                            labelSpace.id() + "/" + split + "/" + index,
                            image,
                            labelSpace.classes().get(labels[index] & 0xFF),
                            null,
                            Map.of("split", split, "index", String.valueOf(index)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static DataInputStream data(InputStream raw) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        boolean gzipped = first == 0x1f && second == 0x8b;
        return new DataInputStream(
                gzipped ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16)) : buffered);
    }

    private static void requireMagic(int actual, int expected, String what) throws IOException {
        if (actual != expected) {
            throw new IOException(
                    String.format("Not an IDX %s file: magic 0x%08x, expected 0x%08x", what, actual, expected));
        }
    }
}
