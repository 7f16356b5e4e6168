package io.lr0.producers;

import java.util.Iterator;

/** A finite dataset: its label space, and its images in a stable order. */
public interface DatasetSource {

    LabelSpace labelSpace();

    /** Number of images {@link #images()} yields. */
    int size();

    /** The images, each read when the iterator reaches it. */
    Iterator<LabeledImage> images();
}
