package io.lr0.producers;

import io.lr0.schema.Image;
import io.lr0.schema.ImageEncoding;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * CIFAR-10's binary version: batches of 10,000 records of 1 label byte + 3,072 pixel bytes (1,024 red, then green,
 * then blue, row-major 32x32); class names in {@code batches.meta.txt}. Images are produced as raw RGB8.
 */
public final class Cifar10Dataset implements DatasetSource {
    public static final List<String> CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    private static final int SIDE = 32;
    private static final int PLANE = SIDE * SIDE;
    private static final int RECORD = 1 + 3 * PLANE;

    private final LabelSpace labelSpace;
    private final String split;
    private final List<Path> batches;
    private final int size;

    /** Reads {@code test_batch.bin} (split test) or {@code data_batch_1..5.bin} (split train) under {@code dir}. */
    public Cifar10Dataset(String id, Path dir, String split) throws IOException {
        this.split = split;
        List<Path> files = new ArrayList<>();
        if (split.equals("test")) {
            files.add(dir.resolve("test_batch.bin"));
        } else if (split.equals("train")) {
            for (int i = 1; i <= 5; i++) {
                files.add(dir.resolve("data_batch_" + i + ".bin"));
            }
        } else {
            throw new IOException("CIFAR-10 split must be 'train' or 'test', was '" + split + "'");
        }
        long bytes = 0;
        this.batches = new ArrayList<>();
        for (Path file : files) {
            if (Files.exists(file)) {
                if (Files.size(file) % RECORD != 0) {
                    throw new IOException(file + " is " + Files.size(file) + " bytes, not a whole number of " + RECORD
                            + "-byte CIFAR-10 records");
                }
                batches.add(file);
                bytes += Files.size(file);
            }
        }
        if (batches.isEmpty()) {
            throw new IOException("No CIFAR-10 " + split + " batch under " + dir + " (expected "
                    + files.get(0).getFileName() + ")");
        }
        Path meta = dir.resolve("batches.meta.txt");
        List<String> classes = Files.exists(meta)
                ? Files.readAllLines(meta).stream()
                        .map(String::trim)
                        .filter(line -> !line.isEmpty())
                        .toList()
                : CLASSES;
        this.labelSpace =
                new LabelSpace(id, classes, List.of(), "CIFAR-10 binary batches in " + dir + " (" + split + ")");
        this.size = (int) (bytes / RECORD);
    }

    @Override
    public LabelSpace labelSpace() {
        return labelSpace;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Iterator<LabeledImage> images() {
        return new Iterator<>() {
            private int batch = -1;
            private InputStream in;
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public LabeledImage next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    byte[] record = read();
                    int label = record[0] & 0xFF;
                    List<String> classes = labelSpace.classes();
                    if (label >= classes.size()) {
                        throw new IOException("CIFAR-10 record " + next + " has label " + label + ", outside the "
                                + classes.size() + " classes");
                    }
                    byte[] rgb = new byte[3 * PLANE];
                    for (int i = 0; i < PLANE; i++) {
                        rgb[3 * i] = record[1 + i];
                        rgb[3 * i + 1] = record[1 + PLANE + i];
                        rgb[3 * i + 2] = record[1 + 2 * PLANE + i];
                    }
                    int index = next++;
                    Image image = Image.newBuilder()
                            .setEncoding(ImageEncoding.RGB8)
                            .setWidth(SIDE)
                            .setHeight(SIDE)
                            .setData(ByteBuffer.wrap(rgb))
                            .build();
                    return new LabeledImage(
                            labelSpace.id() + "/" + split + "/" + index,
                            image,
                            classes.get(label),
                            null,
                            Map.of("split", split, "index", String.valueOf(index)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            private byte[] read() throws IOException {
                byte[] record = in == null ? new byte[0] : in.readNBytes(RECORD);
                while (record.length < RECORD) {
                    if (in != null) {
                        in.close();
                    }
                    in = new BufferedInputStream(Files.newInputStream(batches.get(++batch)), 1 << 16);
                    record = in.readNBytes(RECORD);
                }
                return record;
            }
        };
    }
}
