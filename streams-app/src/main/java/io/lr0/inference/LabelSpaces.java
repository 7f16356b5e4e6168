package io.lr0.inference;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import io.lr0.runtime.LogText;
import io.lr0.schema.DatasetInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-shot classifiers per label space, built once per (dataset, class list) from the dataset's prompt file and
 * shared by every task of this instance. A dataset whose class list changes on the datasets topic gets a new one.
 */
final class LabelSpaces {
    private static final Logger log = LoggerFactory.getLogger(LabelSpaces.class);

    private final ZeroShotModel model;
    private final Path promptsDir;
    private final Map<String, ZeroShotClassifier> byDataset = new ConcurrentHashMap<>();

    LabelSpaces(ZeroShotModel model, Path promptsDir) {
        this.model = model;
        this.promptsDir = promptsDir;
    }

    /** The classifier for {@code info}'s current class list, encoding its prompts with {@code predictor} if new. */
    ZeroShotClassifier classifierFor(DatasetInfo info, Predictor<NDList, NDList> predictor) {
        List<String> classes = List.copyOf(info.getClasses());
        // compute() builds once per dataset: other threads asking meanwhile wait for it instead of building again.
        return byDataset.compute(
                info.getId(),
                (dataset, cached) -> cached != null && cached.labels().equals(classes)
                        ? cached
                        : build(dataset, classes, predictor));
    }

    private ZeroShotClassifier build(String dataset, List<String> classes, Predictor<NDList, NDList> predictor) {
        PromptSet prompts;
        try {
            prompts = PromptSet.forDataset(dataset, promptsDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long start = System.nanoTime();
        ZeroShotClassifier built = ZeroShotClassifier.build(model, predictor, classes, prompts);
        log.info(
                "Label space '{}': {} classes x {} prompt templates encoded in {} ms",
                LogText.of(dataset),
                classes.size(),
                prompts.templates().size(),
                (System.nanoTime() - start) / 1_000_000);
        return built;
    }
}
