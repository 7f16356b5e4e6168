package io.lr0.contract;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a label space (a dataset's class list on the datasets topic) must be to classify with: checked where it is
 * published and where it is used, so that a list no classifier can be built from is refused by name instead of
 * holding its images.
 */
public final class LabelSpaceRules {
    private LabelSpaceRules() {}

    /** Why {@code classes} cannot be a label space, or empty when it can. */
    public static Optional<String> problem(List<String> classes) {
        if (classes == null || classes.isEmpty()) {
            return Optional.of("it has no classes: a classifier needs at least one");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < classes.size(); i++) {
            String name = classes.get(i);
            if (name == null || name.isBlank()) {
                return Optional.of("class " + i + " has a blank name: a prediction of it would say nothing");
            }
            if (!seen.add(name)) {
                return Optional.of("class '" + name + "' appears twice: its predictions would be split between them");
            }
        }
        return Optional.empty();
    }
}
