package io.lr0.producers;

import java.util.Iterator;

/** A finite dataset: its label space, and its images in a stable order. */
public interface DatasetSource {

    LabelSpace labelSpace();

    /** Number of images {@link #images()} yields. */
    int size();

    /** The images, each read when the iterator reaches it. */
    Iterator<LabeledImage> images();

    /** The same dataset without its first {@code count} images (two disjoint parts of one split). */
    default DatasetSource skipping(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("images to skip must not be negative, was " + count);
        }
        DatasetSource whole = this;
        return new DatasetSource() {
            @Override
            public LabelSpace labelSpace() {
                return whole.labelSpace();
            }

            @Override
            public int size() {
                return Math.max(0, whole.size() - count);
            }

            @Override
            public Iterator<LabeledImage> images() {
                Iterator<LabeledImage> images = whole.images();
                for (int i = 0; i < count && images.hasNext(); i++) {
                    images.next();
                }
                return images;
            }
        };
    }
}
