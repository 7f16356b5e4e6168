package io.lr0.producers;

import io.lr0.contract.LabelSpaceRules;
import java.util.List;

/**
 * What a dataset classifies into: its id, class names (index = class index in the source files), evaluation groups
 * (e.g. common/counter; empty when none) and where it comes from. Published on the datasets topic; a class list
 * that {@link LabelSpaceRules} refuses (none, a blank name, a name twice) is refused here, before it is published.
 */
public record LabelSpace(String id, List<String> classes, List<String> groups, String description) {
    public LabelSpace {
        LabelSpaceRules.problem(classes).ifPresent(problem -> {
            throw new IllegalArgumentException("The label space of dataset '" + id + "' is refused: " + problem);
        });
        classes = List.copyOf(classes);
        groups = List.copyOf(groups);
    }
}
