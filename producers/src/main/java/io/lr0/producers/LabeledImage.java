package io.lr0.producers;

import io.lr0.schema.Image;
import java.util.Map;

/** One image of a dataset with what is known about it; {@code label} and {@code group} may be null. */
public record LabeledImage(String id, Image image, String label, String group, Map<String, String> attributes) {}
