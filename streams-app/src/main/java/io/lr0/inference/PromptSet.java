package io.lr0.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lr0.contract.Lr0fmDatasets;
import io.lr0.runtime.records.LogText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text prompts for one label space: templates with a {@code {}} where the class name goes, and how each class
 * label is spelled in a prompt. Files are JSON, {@code <dataset>.json}, looked up in the configured prompts
 * directory, then among the bundled ones (Fashion-MNIST, CIFAR-10 and LR0.FM's fifteen benchmarks, also under their
 * other names: {@link Lr0fmDatasets}); a dataset with no file gets CLIP's plain {@code "a photo of a {}."} with the
 * labels as they are. A label without a class name is spoken as it is, or with {@code _} and {@code /} as spaces
 * where the file sets {@code "labelsAsWords": true} (Food-101's {@code apple_pie} is CLIP's "apple pie").
 */
public record PromptSet(List<String> templates, Map<String, String> classNames, boolean labelsAsWords) {
    public static final PromptSet DEFAULT = new PromptSet(List.of("a photo of a {}."), Map.of(), false);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(PromptSet.class);
    /** Dataset ids that may name a prompt file: a plain file name, no separators, not starting with a dot. */
    private static final Pattern SAFE_DATASET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final Pattern WORD_SEPARATORS = Pattern.compile("[_/]");

    public PromptSet {
        if (templates.isEmpty() || templates.stream().anyMatch(t -> !t.contains("{}"))) {
            throw new IllegalArgumentException("prompt templates must be non-empty and each contain {}: " + templates);
        }
        templates = List.copyOf(templates);
        classNames = Map.copyOf(classNames);
    }

    /** The prompt texts of one class label, one per template. */
    public List<String> promptsFor(String label) {
        String name = classNames.get(label);
        if (name == null) {
            name = labelsAsWords ? WORD_SEPARATORS.matcher(label).replaceAll(" ") : label;
        }
        List<String> prompts = new ArrayList<>(templates.size());
        for (String template : templates) {
            prompts.add(template.replace("{}", name));
        }
        return prompts;
    }

    /**
     * The prompts for {@code dataset}: {@code promptsDir/<dataset>.json}, a bundled file, or the default. A file
     * with {@code "sameAs": "<other dataset>"} uses that dataset's prompts.
     */
    public static PromptSet forDataset(String dataset, Path promptsDir) throws IOException {
        return forDataset(dataset, promptsDir, 0);
    }

    private static PromptSet forDataset(String dataset, Path promptsDir, int depth) throws IOException {
        if (depth > 4) {
            throw new IOException("Prompt files refer to each other in a loop (sameAs), at " + dataset + ".json");
        }
        // Dataset ids come from records: one that is not a plain file name never becomes a path (no traversal).
        if (!SAFE_DATASET_ID.matcher(dataset).matches()) {
            log.warn(
                    "Dataset id '{}' is not a plain name ({}): CLIP's default prompt used, no prompt file read",
                    LogText.of(dataset),
                    SAFE_DATASET_ID.pattern());
            return DEFAULT;
        }
        JsonNode json = null;
        String where = null;
        Path file = promptsDir == null ? null : promptsDir.resolve(dataset + ".json");
        if (file != null && Files.exists(file)) {
            where = file.toString();
            try (InputStream in = Files.newInputStream(file)) {
                json = read(in, where);
            }
        } else {
            try (InputStream in = PromptSet.class.getResourceAsStream("/prompts/" + dataset + ".json")) {
                if (in != null) {
                    where = "bundled prompts/" + dataset + ".json";
                    json = read(in, where);
                }
            }
        }
        if (json == null) {
            // An LR0.FM benchmark under another of its names (imagenet, oxford-pets) gets the benchmark's prompts.
            Optional<Lr0fmDatasets.Dataset> benchmark = Lr0fmDatasets.find(dataset);
            return benchmark.isPresent() && !benchmark.get().id().equals(dataset)
                    ? forDataset(benchmark.get().id(), promptsDir, depth + 1)
                    : DEFAULT;
        }
        return json.hasNonNull("sameAs")
                ? forDataset(json.get("sameAs").asText(), promptsDir, depth + 1)
                : parse(json, where);
    }

    /**
     * Reads every prompt file of {@code promptsDir} at start-up, so a bad one stops the start naming the file
     * rather than failing later inside the stream.
     */
    public static void checkDirectory(Path promptsDir) throws IOException {
        if (!Files.isDirectory(promptsDir)) {
            throw new IOException("inference.prompts.dir " + promptsDir.toAbsolutePath() + " is not a directory");
        }
        try (var files = Files.list(promptsDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .toList()) {
                String name = file.getFileName().toString();
                forDataset(name.substring(0, name.length() - ".json".length()), promptsDir);
            }
        }
    }

    private static JsonNode read(InputStream in, String where) throws IOException {
        try {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IOException("Prompt file " + where + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    static PromptSet parse(JsonNode json, String where) throws IOException {
        List<String> templates = new ArrayList<>();
        json.path("templates").forEach(node -> templates.add(node.asText()));
        Map<String, String> names = new HashMap<>();
        json.path("classNames")
                .properties()
                .forEach(entry -> names.put(entry.getKey(), entry.getValue().asText()));
        try {
            return new PromptSet(templates, names, json.path("labelsAsWords").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new IOException("Prompt file " + where + ": " + e.getMessage(), e);
        }
    }
}
