#!/usr/bin/python3
"""The reference for `./lr0 bench pipeline`'s cost per photo: LR0.FM's own per-image work as a plain Python loop
over Pillow, on the same photos, on one core. Per photo: decode (Image.open, convert("RGB"), load), the degradation
to each short side below the photo's (bicubic, torchvision's Resize(r) size), each variant up to the model's input
(bicubic to the short side, centre crop) and the native photo resized the same way: what lr0's stream does per
photo outside the model's forward pass. The files are read into memory first, so the disk is not timed.

Prints, for scripts:
  Pillow: <ms> ms of CPU per photo (median of ROUNDS rounds, spread ...)
  Pillow degradations only: <ms> ms of CPU per photo
The lr0 / Pillow ratio is then lr0's "outside the model:" figure over this one, measured on the same machine.

  /usr/bin/python3 -m tools.bench.pillow_reference DIR [--resolutions 16,32,64,128] [--input 224] [--rounds 3]

DIR: any folder of images (searched recursively), e.g. tools/bench/photos.py's output.
"""
import argparse
import glob
import io
import os
import statistics
import time

import PIL
from PIL import Image

IMAGE_TYPES = (".jpg", ".jpeg", ".png")


def low_resolution_size(width, height, side):
    """torchvision's Resize(side): the short side becomes `side`, the long one is truncated."""
    return (side, int(side * height / width)) if width <= height else (int(side * width / height), side)


def model_input(image, size):
    """Bicubic to `size` on the short side, then the centre crop: the stream's pre-processing up to the pixels."""
    image = image.resize(low_resolution_size(image.width, image.height, size), Image.BICUBIC)
    left, top = (image.width - size) // 2, (image.height - size) // 2
    return image.crop((left, top, left + size, top + size)).tobytes()


def one_round(blobs, resolutions, size, degrade_only):
    """CPU seconds of this process for one pass over every photo."""
    started = time.process_time()
    for blob in blobs:
        photo = Image.open(io.BytesIO(blob)).convert("RGB")
        photo.load()
        variants = [photo.resize(low_resolution_size(photo.width, photo.height, side), Image.BICUBIC)
                    for side in resolutions if side < min(photo.size)]
        if not degrade_only:
            for image in variants + [photo]:
                model_input(image, size)
    return time.process_time() - started


def degradations_only(blobs, resolutions):
    """CPU seconds of the degradations alone (the photos decoded beforehand)."""
    photos = []
    for blob in blobs:
        photo = Image.open(io.BytesIO(blob)).convert("RGB")
        photo.load()
        photos.append(photo)
    started = time.process_time()
    for photo in photos:
        for side in resolutions:
            if side < min(photo.size):
                photo.resize(low_resolution_size(photo.width, photo.height, side), Image.BICUBIC)
    return time.process_time() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--resolutions", default="16,32,64,128")
    parser.add_argument("--input", type=int, default=224, help="the model's input size")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(p for p in glob.glob(os.path.join(args.dir, "**", "*"), recursive=True)
                   if p.lower().endswith(IMAGE_TYPES))
    if not files:
        raise SystemExit("no .jpg or .png images under %s" % args.dir)
    resolutions = [int(side) for side in args.resolutions.split(",")]
    blobs = []
    for path in files:
        with open(path, "rb") as f:
            blobs.append(f.read())
    one_round(blobs, resolutions, args.input, False)  # warm-up: caches, lazy imports
    rounds = [1000 * one_round(blobs, resolutions, args.input, False) / len(blobs) for _ in range(args.rounds)]
    median = statistics.median(rounds)
    spread = 100 * max(abs(r - median) for r in rounds) / median
    degrade = statistics.median(1000 * degradations_only(blobs, resolutions) / len(blobs) for _ in range(args.rounds))
    print("Pillow: %.2f ms of CPU per photo (median of %d rounds, spread +-%.1f %%; %d photos, Pillow %s, "
          "resolutions %s, input %d px, one core)" % (median, args.rounds, spread, len(blobs), PIL.__version__,
                                                      args.resolutions, args.input))
    print("Pillow degradations only: %.2f ms of CPU per photo" % degrade)


if __name__ == "__main__":
    main()
