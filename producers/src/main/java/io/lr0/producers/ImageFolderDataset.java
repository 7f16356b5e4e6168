package io.lr0.producers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The folder layout {@code root/<class>/[<group>/]*.{png,jpg}} (CounterAnimal's: groups {@code common} and
 * {@code counter}), as a {@link ListedDataset}. Classes are the sorted class folder names; files are produced as they
 * are (PNG/JPEG); a link out of the root is skipped with a warning.
 */
public final class ImageFolderDataset {
    private ImageFolderDataset() {}

    public static ListedDataset open(String id, Path root) throws IOException {
        List<String> classNames = new ArrayList<>();
        TreeSet<String> groupNames = new TreeSet<>();
        List<ListedDataset.Entry> entries = new ArrayList<>();
        Predicate<Path> imagesInRoot = ImageFiles.imagesWithin(root);
        try (Stream<Path> classDirs = Files.list(root)) {
            for (Path classDir : classDirs.filter(Files::isDirectory).sorted().toList()) {
                String label = classDir.getFileName().toString();
                if (label.startsWith(".")) {
                    continue;
                }
                classNames.add(label);
                try (Stream<Path> walk = Files.walk(classDir, 2)) {
                    for (Path file : walk.filter(imagesInRoot).sorted().toList()) {
                        String group = file.getParent().equals(classDir)
                                ? null
                                : file.getParent().getFileName().toString();
                        if (group != null) {
                            groupNames.add(group);
                        }
                        entries.add(new ListedDataset.Entry(file, label, group));
                    }
                }
            }
        }
        if (classNames.isEmpty()) {
            throw new IOException("No class folders under " + root + " (expected root/<class>/[<group>/]*.png)");
        }
        if (entries.isEmpty()) {
            throw new IOException("No images in " + root);
        }
        LabelSpace labelSpace =
                new LabelSpace(id, classNames, List.copyOf(groupNames), "image folder " + root.toAbsolutePath());
        return new ListedDataset(labelSpace, root, entries, "image folder");
    }
}
