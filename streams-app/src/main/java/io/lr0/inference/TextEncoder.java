package io.lr0.inference;

import java.util.List;

/** The text tower for one thread: texts in, through the model's tokenizer, one unnormalised embedding each out. */
public interface TextEncoder extends AutoCloseable {
    float[][] encode(List<String> texts);

    @Override
    void close();
}
