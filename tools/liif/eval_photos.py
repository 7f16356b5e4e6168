#!/usr/bin/python3
"""LIIF against bicubic on any folder of photos: PSNR and SSIM per scale, and whether a flat colour comes back.

Each photo is made RGB, optionally resized (--resize WxH, Pillow LANCZOS) and centre-cropped (--crop PX), trimmed to a
multiple of the scale, down-sampled with Pillow's bicubic (what the stream does: its degradation is Pillow-exact),
then up-sampled back by Pillow's bicubic and by the LIIF model (an exported TorchScript upscaler, as `lr0 upscale`
runs it: forward(lr in [0, 1], size) -> [0, 1]; a liif-residual one, so named by the liif.json beside it, is also
given the stream's base, Pillow's bicubic up-sampling: forward(lr, size, base)), rounded to 8 bits as the stream's
output is. PSNR and SSIM (Gaussian window 11, sigma 1.5, on each RGB channel, averaged) are measured after shaving
--shave pixels off every border.

    /usr/bin/python3 -m tools.liif.eval_photos /usr/share/backgrounds/mate/nature --crop 192 --resize 960x600

Needs Debian's python3-torch, python3-pil and python3-numpy; no GPU.
"""
import argparse
import glob
import os
import sys

import numpy as np
import torch
from PIL import Image

from tools.liif.liif import RESIDUAL, kind_of

HERE = os.path.dirname(os.path.abspath(__file__))

BUNDLED = os.path.join(HERE, "..", "..", "demo-models", "src", "main", "resources", "models", "lr0-liif", "liif.pt")
FLAT_COLOURS = [(200, 60, 30), (128, 128, 128), (20, 200, 90)]


def photos(folders):
    files = []
    for folder in folders:
        for pattern in ("*.jpg", "*.jpeg", "*.png", "*.JPG", "*.PNG"):
            files += glob.glob(os.path.join(folder, "**", pattern), recursive=True)
    return sorted(set(files))


def prepared(path, resize, crop):
    image = Image.open(path).convert("RGB")
    if resize:
        image = image.resize(resize, Image.LANCZOS)
    if crop:
        left = (image.width - crop) // 2
        top = (image.height - crop) // 2
        image = image.crop((left, top, left + crop, top + crop))
    return image


def tensor(image):
    return torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)


def upscale(model, residual, lr, width, height):
    """The model's output for a Pillow image, as 8-bit RGB (HxWx3 uint8); a residual model is given the stream's
    base, Pillow's bicubic up-sampling of lr."""
    size = torch.tensor([height, width])
    with torch.no_grad():
        if residual:
            out = model(tensor(lr), size, tensor(lr.resize((width, height), Image.BICUBIC)))[0]
        else:
            out = model(tensor(lr), size)[0]
    return (out.clamp(0, 1) * 255.0 + 0.5).floor().to(torch.uint8).permute(1, 2, 0).numpy()


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def gaussian_filter(image, window=11, sigma=1.5):
    """Separable Gaussian blur, 'valid' region only (SSIM's windows lie inside the image)."""
    x = np.arange(window) - window // 2
    kernel = np.exp(-(x ** 2) / (2 * sigma ** 2))
    kernel /= kernel.sum()
    rows = np.apply_along_axis(lambda r: np.convolve(r, kernel, mode="valid"), 1, image)
    return np.apply_along_axis(lambda c: np.convolve(c, kernel, mode="valid"), 0, rows)


def ssim(a, b):
    """Wang et al. (2004) SSIM, per channel, averaged."""
    c1 = (0.01 * 255) ** 2
    c2 = (0.03 * 255) ** 2
    scores = []
    for channel in range(3):
        x = a[:, :, channel].astype(np.float64)
        y = b[:, :, channel].astype(np.float64)
        mx, my = gaussian_filter(x), gaussian_filter(y)
        sxx = gaussian_filter(x * x) - mx * mx
        syy = gaussian_filter(y * y) - my * my
        sxy = gaussian_filter(x * y) - mx * my
        s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        scores.append(s.mean())
    return float(np.mean(scores))


def shaved(image, shave):
    return image[shave:image.shape[0] - shave, shave:image.shape[1] - shave] if shave else image


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", help="folders of photos (searched recursively)")
    parser.add_argument("--model", default=BUNDLED, help="an exported LIIF upscaler (default: lr0's bundled photo one)")
    parser.add_argument("--scales", default="2,3,4")
    parser.add_argument("--resize", default="", help="WxH to resize each photo to first (Pillow LANCZOS)")
    parser.add_argument("--crop", type=int, default=0, help="centre crop of this many pixels (0: whole photo)")
    parser.add_argument("--shave", type=int, default=10, help="border pixels left out of PSNR and SSIM")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    resize = tuple(int(v) for v in args.resize.split("x")) if args.resize else None
    model = torch.jit.load(args.model).eval()
    residual = kind_of(args.model) == RESIDUAL
    files = photos(args.folders)
    if not files:
        sys.exit("no photos (jpg, png) under " + ", ".join(args.folders))

    print("model %s (%s); %d photos; resize %s, crop %s, shave %d" % (
        os.path.relpath(args.model), kind_of(args.model), len(files), args.resize or "none", args.crop or "none",
        args.shave))
    print("%-5s %10s %10s %9s %9s %9s %9s  %s" % (
        "scale", "PSNR LIIF", "bicubic", "gain dB", "SSIM LIIF", "bicubic", "gain", "worst photo (gain dB)"))
    for scale in [int(s) for s in args.scales.split(",")]:
        rows = []
        for path in files:
            image = prepared(path, resize, args.crop)
            width, height = image.width - image.width % scale, image.height - image.height % scale
            hr = image.crop((0, 0, width, height))
            lr = hr.resize((width // scale, height // scale), Image.BICUBIC)
            truth = shaved(np.asarray(hr), args.shave)
            bicubic = shaved(np.asarray(lr.resize((width, height), Image.BICUBIC)), args.shave)
            liif = shaved(upscale(model, residual, lr, width, height), args.shave)
            rows.append((os.path.basename(path), psnr(liif, truth), psnr(bicubic, truth),
                         ssim(liif, truth), ssim(bicubic, truth)))
        liif_psnr, bicubic_psnr = np.mean([r[1] for r in rows]), np.mean([r[2] for r in rows])
        liif_ssim, bicubic_ssim = np.mean([r[3] for r in rows]), np.mean([r[4] for r in rows])
        worst = min(rows, key=lambda r: r[1] - r[2])
        print("x%-4d %10.2f %10.2f %+9.2f %9.4f %9.4f %+9.4f  %s (%+.2f)" % (
            scale, liif_psnr, bicubic_psnr, liif_psnr - bicubic_psnr, liif_ssim, bicubic_ssim,
            liif_ssim - bicubic_ssim, worst[0], worst[1] - worst[2]))
        sys.stdout.flush()

    print("flat colours, 16x16 up to 64x64 (a remedy must give a flat image back unchanged):")
    for colour in FLAT_COLOURS:
        flat = Image.new("RGB", (16, 16), colour)
        out = upscale(model, residual, flat, 64, 64).reshape(-1, 3)
        values = sorted(set(map(tuple, out.tolist())))
        deviation = int(np.abs(out.astype(int) - np.array(colour)).max())
        print("  %s -> %s%s, largest deviation %d" % (
            colour, values[0], " ... %d values" % len(values) if len(values) > 1 else "", deviation))


if __name__ == "__main__":
    main()
