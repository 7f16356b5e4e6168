#!/usr/bin/python3
"""Packs the photos the GPU kit trains and evaluates LIIF on into tools/gpu/work/photos.npz (git-ignored; carried to
the GPU machine by the device tool's `carry`), with Debian's Pillow, so the kit needs neither Pillow nor network:

- training photos: tools/liif/train.py's (scikit-image's TRAIN list and the Debian wallpaper packages it names), at
  most 800 px long (--long-side; train.py's 1,024 would not fit the 64 MiB the device tool carries);
- held-out photos: Debian's mate-backgrounds "nature" set, resized to 960x600 (Pillow LANCZOS), each with its
  Pillow-bicubic low-resolution versions at x2 and x4 and those up-sampled back with Pillow's bicubic (the baseline).
  mate-backgrounds is kept out of every LIIF training: it is the held-out set.

  /usr/bin/python3 -m tools.gpu.prepare [--held-out N]
"""
import argparse
import glob
import os

import numpy as np
from PIL import Image

from tools.liif.train import TRAIN, debian_files, load, skimage_data, wallpapers

HERE = os.path.dirname(os.path.abspath(__file__))

HELD_OUT_SIZE = (960, 600)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--held-out", type=int, default=6)
    parser.add_argument("--long-side", type=int, default=800, help="training photos at most this long")
    parser.add_argument("--out", default=os.path.join(HERE, "work", "photos.npz"))
    args = parser.parse_args()
    arrays = {}
    for i, photo in enumerate(load(skimage_data(), TRAIN) + wallpapers()[0]):
        shrink = args.long_side / max(photo.size)
        if shrink < 1:
            # The device tool carries 64 MiB: at train.py's 1,024 px the pack is 78 MB.
            photo = photo.resize((round(photo.width * shrink), round(photo.height * shrink)), Image.LANCZOS)
        arrays["train_%02d" % i] = np.asarray(photo)
    nature = debian_files("mate-backgrounds", "/usr/share/backgrounds/mate/nature")
    for i, path in enumerate(sorted(glob.glob(os.path.join(nature, "*.jpg")))[:args.held_out]):
        hr = Image.open(path).convert("RGB").resize(HELD_OUT_SIZE, Image.LANCZOS)
        arrays["heldout_hr_%02d" % i] = np.asarray(hr)
        for scale in (2, 4):
            lr = hr.resize((hr.width // scale, hr.height // scale), Image.BICUBIC)
            arrays["heldout_lr%d_%02d" % (scale, i)] = np.asarray(lr)
            arrays["heldout_bicubic%d_%02d" % (scale, i)] = np.asarray(lr.resize(hr.size, Image.BICUBIC))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print("%s: %d arrays, %.1f MB" % (args.out, len(arrays), os.path.getsize(args.out) / 1e6))


if __name__ == "__main__":
    main()
