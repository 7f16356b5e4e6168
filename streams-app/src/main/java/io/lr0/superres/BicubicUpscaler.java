package io.lr0.superres;

import io.lr0.contract.SrMethods;
import io.lr0.image.PillowResize;
import io.lr0.image.Raster;
import java.util.List;

/** Pillow's bicubic, the LR0.FM protocol's up-sampling: the baseline LIIF is measured against. */
public final class BicubicUpscaler implements Upscaler {
    @Override
    public String method() {
        return SrMethods.BICUBIC;
    }

    @Override
    public List<Raster> upscale(List<Raster> images, int width, int height) {
        return images.stream()
                .map(image -> PillowResize.resize(image, width, height))
                .toList();
    }
}
