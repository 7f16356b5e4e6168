#!/usr/bin/python3
"""Writes Fashion-MNIST images of a split as PNG files without their labels: unlabelled images for
tools/clip/lrtk0.py, which trains LR-TK0 tokens on any folder of images.

  /usr/bin/python3 -m tools.demo_clip.fashion_images OUT_DIR [--split train] [--count 10000]
"""
import argparse
import os

from PIL import Image

from tools.demo_clip.train import read_idx


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--split", choices=["train", "test"], default="train")
    parser.add_argument("--count", type=int, default=10000, help="the first COUNT images of the split")
    args = parser.parse_args()
    images, _ = read_idx(args.split)
    os.makedirs(args.out_dir, exist_ok=True)
    for i, image in enumerate(images[:args.count]):
        Image.fromarray(image).save(os.path.join(args.out_dir, "%s-%05d.png" % (args.split, i)))
    print("wrote %d %s images to %s" % (min(args.count, len(images)), args.split, args.out_dir))


if __name__ == "__main__":
    main()
