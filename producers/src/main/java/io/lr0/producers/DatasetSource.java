package io.lr0.producers;

import java.util.Iterator;
import java.util.List;

/** A finite dataset: its label space, and its images in a stable order. */
public interface DatasetSource {

    /** Label-space id, e.g. {@code fashion-mnist}. */
    String id();

    /** Class names, index = class index in the source files. */
    List<String> classes();

    /** Evaluation groups present (e.g. common/counter); empty when none. */
    List<String> groups();

    /** Where the data comes from, for the datasets topic. */
    String description();

    /** Number of images {@link #images()} yields. */
    int size();

    /** The images, each read when the iterator reaches it. */
    Iterator<LabeledImage> images();
}
