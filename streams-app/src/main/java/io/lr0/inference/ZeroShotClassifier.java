package io.lr0.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Zero-shot classification over one label space, CLIP's way: each class is the normalised mean of the normalised
 * text embeddings of its prompts (a prompt ensemble); logits are logit_scale x cosine similarity; scores their
 * softmax. Built once per (model, label space) and reused for every batch.
 */
public final class ZeroShotClassifier {
    private static final int TEXT_BATCH = 256;

    private final List<String> labels;
    private final float[][] classEmbeddings;
    private final float logitScale;

    private ZeroShotClassifier(List<String> labels, float[][] classEmbeddings, float logitScale) {
        this.labels = List.copyOf(labels);
        this.classEmbeddings = classEmbeddings;
        this.logitScale = logitScale;
    }

    /**
     * Encodes every prompt of every label with {@code texts} (the text tower of a model whose logit scale is
     * {@code logitScale}), telling {@code progress} the prompts done.
     */
    public static ZeroShotClassifier build(
            TextEncoder texts, float logitScale, List<String> labels, PromptSet prompts, IntConsumer progress) {
        List<String> all = new ArrayList<>();
        for (String label : labels) {
            all.addAll(prompts.promptsFor(label));
        }
        List<float[]> textEmbeddings = new ArrayList<>(all.size());
        for (int start = 0; start < all.size(); start += TEXT_BATCH) {
            for (float[] row : texts.encode(all.subList(start, Math.min(all.size(), start + TEXT_BATCH)))) {
                textEmbeddings.add(normalized(row));
            }
            progress.accept(textEmbeddings.size());
        }
        int perClass = prompts.templates().size();
        float[][] classes = new float[labels.size()][];
        for (int c = 0; c < labels.size(); c++) {
            float[] mean = new float[textEmbeddings.get(0).length];
            for (int t = 0; t < perClass; t++) {
                float[] row = textEmbeddings.get(c * perClass + t);
                for (int d = 0; d < mean.length; d++) {
                    mean[d] += row[d];
                }
            }
            classes[c] = normalized(mean);
        }
        return new ZeroShotClassifier(labels, classes, logitScale);
    }

    /** A classifier from class embeddings computed before (read from the cache). */
    static ZeroShotClassifier of(List<String> labels, float[][] classEmbeddings, float logitScale) {
        return new ZeroShotClassifier(labels, classEmbeddings, logitScale);
    }

    /** The normalised class embeddings, one per label (for the cache). */
    float[][] classEmbeddings() {
        return classEmbeddings;
    }

    public List<String> labels() {
        return labels;
    }

    /** Softmax scores over the labels for one unnormalised image embedding. */
    public float[] scores(float[] imageEmbedding) {
        float[] image = normalized(imageEmbedding);
        float[] logits = new float[classEmbeddings.length];
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < logits.length; c++) {
            float dot = 0;
            for (int d = 0; d < image.length; d++) {
                dot += image[d] * classEmbeddings[c][d];
            }
            logits[c] = logitScale * dot;
            max = Math.max(max, logits[c]);
        }
        double sum = 0;
        for (int c = 0; c < logits.length; c++) {
            logits[c] = (float) Math.exp(logits[c] - max);
            sum += logits[c];
        }
        for (int c = 0; c < logits.length; c++) {
            logits[c] /= (float) sum;
        }
        return logits;
    }

    /** Entropy in nats of a probability vector (softmax scores): 0 when certain, ln C when uniform over C. */
    public static float entropy(float[] probabilities) {
        double entropy = 0;
        for (float p : probabilities) {
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
        }
        return (float) entropy;
    }

    static float[] normalized(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        float inverse = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = vector[i] * inverse;
        }
        return out;
    }
}
