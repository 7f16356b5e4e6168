package io.lr0.producers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A split given as image files and their labels, what every published benchmark layout comes down to: the list is
 * read (and every file checked to exist within the root) when the dataset is opened, each image when the iterator
 * reaches it.
 */
public final class ListedDataset implements DatasetSource {
    /** One listed image: its file, its label and its evaluation group (null when the dataset has none). */
    public record Entry(Path file, String label, String group) {
        public Entry(Path file, String label) {
            this(file, label, null);
        }
    }

    private final LabelSpace labelSpace;
    private final Path root;
    private final List<Entry> entries;

    /**
     * {@code layout} names the layout in errors; a listed file that does not exist is an error naming it (a wrong
     * root or an incomplete download), not a gap in the stream.
     */
    public ListedDataset(LabelSpace labelSpace, Path root, List<Entry> entries, String layout) throws IOException {
        if (entries.isEmpty()) {
            throw new IOException(layout + " under " + root + ": the split lists no images");
        }
        long missing = 0;
        Path firstMissing = null;
        Map<Path, Path> realFolders = new HashMap<>();
        for (Entry entry : entries) {
            if (!Files.isRegularFile(entry.file())) {
                missing++;
                firstMissing = firstMissing == null ? entry.file() : firstMissing;
            } else {
                // A list names files: one that leads outside the dataset (../, a link within it) is never read and
                // published. The root's own folders may be links (images/ on another disk): a user's arrangement.
                Path relative = root.toAbsolutePath()
                        .normalize()
                        .relativize(entry.file().toAbsolutePath().normalize());
                if (relative.startsWith("..")) {
                    throw new IOException(layout + ": " + entry.file() + " lies outside " + root);
                }
                Path top = relative.getNameCount() > 1 ? root.resolve(relative.getName(0)) : root;
                Path realTop = realFolders.get(top);
                if (realTop == null) {
                    realTop = top.toRealPath();
                    realFolders.put(top, realTop);
                }
                if (!entry.file().toRealPath().startsWith(realTop)) {
                    throw new IOException(layout + ": " + entry.file() + " links to "
                            + entry.file().toRealPath() + ", which lies outside " + realTop);
                }
            }
            if (ImageFiles.encodingOf(entry.file()).isEmpty()) {
                throw new IOException(layout + ": " + entry.file() + " is not a .png, .jpg or .jpeg file");
            }
        }
        if (missing > 0) {
            throw new IOException(layout + ": " + missing + " of the " + entries.size()
                    + " listed images are missing, the first " + firstMissing);
        }
        this.labelSpace = labelSpace;
        this.root = root;
        this.entries = List.copyOf(entries);
    }

    @Override
    public LabelSpace labelSpace() {
        return labelSpace;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public Iterator<LabeledImage> images() {
        Iterator<Entry> listed = entries.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return listed.hasNext();
            }

            @Override
            public LabeledImage next() {
                Entry entry = listed.next();
                String relative = root.relativize(entry.file()).toString().replace('\\', '/');
                try {
                    return new LabeledImage(
                            labelSpace.id() + "/" + relative,
                            ImageFiles.read(entry.file()),
                            entry.label(),
                            entry.group(),
                            Map.of("file", relative));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read " + entry.file(), e);
                }
            }
        };
    }
}
