package io.lr0.inference;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * DJL translators of lr0's dual-encoder contract: each turns a batch into the module method's inputs
 * ({@code get_image_features(pixel_values)}, {@code get_text_features(input_ids, attention_mask)}) and its output into
 * one embedding per row. The batch is already a batch: no batchifier.
 */
final class ClipTranslators {
    private ClipTranslators() {}

    /** A batch of pre-processed images: normalised floats, or 8-bit planes to normalise on the device. */
    record ImageBatch(float[] pixels, byte[] planes, int count) {
        static ImageBatch ofPixels(float[] pixels, int count) {
            return new ImageBatch(pixels, null, count);
        }

        static ImageBatch ofPlanes(byte[] planes, int count) {
            return new ImageBatch(null, planes, count);
        }
    }

    /**
     * Images to {@code get_image_features}. Planes become floats on the device with the same float operations as
     * {@link ImagePreprocessor}'s (x * scale + shift per channel), so the features are those of the float input.
     */
    static final class Images implements NoBatchifyTranslator<ImageBatch, float[][]> {
        private final int size;
        private final float[] scale = new float[3];
        private final float[] shift = new float[3];

        Images(ModelSpec spec) {
            this.size = spec.inputSize();
            for (int c = 0; c < 3; c++) {
                scale[c] = spec.normalisationScale(c);
                shift[c] = spec.normalisationShift(c);
            }
        }

        @Override
        public NDList processInput(TranslatorContext ctx, ImageBatch batch) {
            NDManager manager = ctx.getNDManager();
            Shape shape = new Shape(batch.count(), 3, size, size);
            int values = batch.count() * 3 * size * size;
            // The buffers may be longer than the batch (reused across batches): only count images are read.
            NDArray input = batch.pixels() != null
                    ? manager.create(FloatBuffer.wrap(batch.pixels(), 0, values), shape)
                    : manager.create(ByteBuffer.wrap(batch.planes(), 0, values), shape, DataType.UINT8)
                            .toType(DataType.FLOAT32, false)
                            .mul(manager.create(scale, new Shape(1, 3, 1, 1)))
                            .add(manager.create(shift, new Shape(1, 3, 1, 1)));
            return new NDList(input, method(manager, "get_image_features"));
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList output) {
            return rows(output.singletonOrThrow());
        }
    }

    /**
     * Texts to {@code get_text_features}: token ids through the model's tokenizer, padded to the context (or, for a
     * causal text tower, only to the batch's longest text), with their attention mask.
     */
    static final class Texts implements NoBatchifyTranslator<List<String>, float[][]> {
        private final HuggingFaceTokenizer tokenizer;
        private final ModelSpec spec;

        Texts(HuggingFaceTokenizer tokenizer, ModelSpec spec) {
            this.tokenizer = tokenizer;
            this.spec = spec;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, List<String> texts) {
            long[][] encoded = new long[texts.size()][];
            int longest = 0;
            for (int row = 0; row < texts.size(); row++) {
                encoded[row] = tokenizer.encode(texts.get(row)).getIds();
                longest = Math.max(longest, encoded[row].length);
            }
            int length = spec.causalText() ? Math.min(longest, spec.contextLength()) : spec.contextLength();
            long[] ids = new long[texts.size() * length];
            long[] mask = new long[texts.size() * length];
            Arrays.fill(ids, spec.padTokenId());
            for (int row = 0; row < texts.size(); row++) {
                long[] tokens = encoded[row];
                int n = Math.min(tokens.length, length);
                System.arraycopy(tokens, 0, ids, row * length, n);
                Arrays.fill(mask, row * length, row * length + n, 1L);
            }
            NDManager manager = ctx.getNDManager();
            return new NDList(
                    manager.create(ids, new Shape(texts.size(), length)),
                    manager.create(mask, new Shape(texts.size(), length)),
                    method(manager, "get_text_features"));
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList output) {
            return rows(output.singletonOrThrow());
        }
    }

    /** DJL's PyTorch engine calls the module method named by a last, empty input called "module_method:NAME". */
    private static NDArray method(NDManager manager, String name) {
        NDArray placeholder = manager.create("");
        placeholder.setName("module_method:" + name);
        return placeholder;
    }

    /** A [count, dim] output as one row per input. */
    private static float[][] rows(NDArray features) {
        int count = (int) features.getShape().get(0);
        float[] flat = features.toFloatArray();
        int dim = flat.length / count;
        float[][] out = new float[count][dim];
        for (int i = 0; i < count; i++) {
            System.arraycopy(flat, i * dim, out[i], 0, dim);
        }
        return out;
    }
}
