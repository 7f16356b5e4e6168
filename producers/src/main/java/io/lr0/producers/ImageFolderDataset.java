package io.lr0.producers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The folder layout {@code root/<class>/[<group>/]*.{png,jpg}} (CounterAnimal's: groups {@code common} and
 * {@code counter}). Classes are the sorted class folder names; files are produced as they are (PNG/JPEG).
 */
public final class ImageFolderDataset implements DatasetSource {
    private final LabelSpace labelSpace;
    private final Path root;
    private final List<Path> files;

    public ImageFolderDataset(String id, Path root) throws IOException {
        this.root = root;
        List<String> classNames = new ArrayList<>();
        TreeSet<String> groupNames = new TreeSet<>();
        List<Path> imageFiles = new ArrayList<>();
        Predicate<Path> imagesInRoot = ImageFiles.imagesWithin(root);
        try (Stream<Path> classDirs = Files.list(root)) {
            for (Path classDir : classDirs.filter(Files::isDirectory).sorted().toList()) {
                if (classDir.getFileName().toString().startsWith(".")) {
                    continue;
                }
                classNames.add(classDir.getFileName().toString());
                try (Stream<Path> walk = Files.walk(classDir, 2)) {
                    for (Path file : walk.filter(imagesInRoot).sorted().toList()) {
                        imageFiles.add(file);
                        if (file.getParent() != null && !file.getParent().equals(classDir)) {
                            groupNames.add(file.getParent().getFileName().toString());
                        }
                    }
                }
            }
        }
        if (classNames.isEmpty()) {
            throw new IOException("No class folders under " + root + " (expected root/<class>/[<group>/]*.png)");
        }
        this.labelSpace =
                new LabelSpace(id, classNames, List.copyOf(groupNames), "image folder " + root.toAbsolutePath());
        this.files = List.copyOf(imageFiles);
    }

    @Override
    public LabelSpace labelSpace() {
        return labelSpace;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public Iterator<LabeledImage> images() {
        Iterator<Path> paths = files.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return paths.hasNext();
            }

            @Override
            public LabeledImage next() {
                Path file = paths.next();
                Path relative = root.relativize(file);
                String label = relative.getName(0).toString();
                String group = relative.getNameCount() > 2 ? relative.getName(1).toString() : null;
                try {
                    return new LabeledImage(
                            labelSpace.id() + "/" + relative.toString().replace('\\', '/'),
                            ImageFiles.read(file),
                            label,
                            group,
                            Map.of("file", relative.toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read " + file, e);
                }
            }
        };
    }
}
