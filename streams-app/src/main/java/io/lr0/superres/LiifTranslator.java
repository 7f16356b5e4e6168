package io.lr0.superres;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import io.lr0.image.Raster;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL translator of lr0's LIIF contract: a batch of images of one size to {@code forward(lr[N,3,h,w] in [0,1], size
 * int64[2] = (H, W)[, base[N,3,H,W]])}, and its [N,3,H,W] output back to 8-bit images. A residual model gets the
 * stream's own bicubic up-sampling as its base.
 */
final class LiifTranslator implements NoBatchifyTranslator<LiifTranslator.Request, List<Raster>> {
    /** Images of one size, the output size, and the base a residual model corrects (null for the paper's LIIF). */
    record Request(List<Raster> images, int width, int height, List<Raster> base) {}

    @Override
    public NDList processInput(TranslatorContext ctx, Request request) {
        NDManager manager = ctx.getNDManager();
        List<Raster> images = request.images();
        int count = images.size();
        NDList inputs = new NDList(
                manager.create(
                        planes(images),
                        new Shape(
                                count, 3, images.get(0).height(), images.get(0).width())),
                manager.create(new long[] {request.height(), request.width()}));
        if (request.base() != null) {
            inputs.add(manager.create(planes(request.base()), new Shape(count, 3, request.height(), request.width())));
        }
        return inputs;
    }

    @Override
    public List<Raster> processOutput(TranslatorContext ctx, NDList output) {
        float[] values = output.singletonOrThrow().toFloatArray();
        Shape shape = output.singletonOrThrow().getShape();
        int count = (int) shape.get(0);
        int height = (int) shape.get(2);
        int width = (int) shape.get(3);
        int plane = width * height;
        List<Raster> upscaled = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            byte[] rgb = new byte[plane * 3];
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    rgb[p * 3 + c] = (byte) Math.round(values[(n * 3 + c) * plane + p] * 255f);
                }
            }
            upscaled.add(new Raster(width, height, 3, rgb));
        }
        return upscaled;
    }

    /** Images of one size as RGB planes in [0, 1], [N,3,H,W] flattened; gray is replicated to RGB. */
    private static float[] planes(List<Raster> images) {
        int plane = images.get(0).width() * images.get(0).height();
        float[] planes = new float[images.size() * 3 * plane];
        for (int n = 0; n < images.size(); n++) {
            Raster image = images.get(n);
            byte[] pixels = image.pixels();
            int channels = image.channels();
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    planes[(n * 3 + c) * plane + p] = (pixels[p * channels + (channels == 1 ? 0 : c)] & 0xFF) / 255f;
                }
            }
        }
        return planes;
    }
}
