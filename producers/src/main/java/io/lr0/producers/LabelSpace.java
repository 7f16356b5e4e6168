package io.lr0.producers;

import java.util.List;

/**
 * What a dataset classifies into: its id, class names (index = class index in the source files), evaluation groups
 * (e.g. common/counter; empty when none) and where it comes from. Published on the datasets topic.
 */
public record LabelSpace(String id, List<String> classes, List<String> groups, String description) {
    public LabelSpace {
        classes = List.copyOf(classes);
        groups = List.copyOf(groups);
    }
}
