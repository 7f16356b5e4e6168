#!/usr/bin/python3
"""Writes a folder of Debian-packaged photos for `./lr0 bench pipeline|inference --images-from DIR`, in the image folder
layout lr0 reads (DIR/<class>/<file>.jpg: one class per photo, so labels mean nothing: for speed, not accuracy):

- scikit-image's sample photos (Debian python3-skimage);
- the "nature" wallpapers of Debian's mate-backgrounds.

Each is shrunk (Pillow LANCZOS, never enlarged) to a short side of --short-side pixels, 375 by default: ImageNet's
validation images, which LR0.FM degrades, are mostly 500x375. Saved as JPEG (quality 90), as those are. The packages
are read where installed, else downloaded with `apt-get download` and unpacked (no root needed).

--frame WxH instead makes camera frames: each photo scaled to cover WxH (Pillow LANCZOS, enlarged where smaller),
then centre-cropped to exactly WxH (--frame 1920x1080: a 1080p camera's frames).

  /usr/bin/python3 -m tools.bench.photos OUT_DIR [--short-side 375 | --frame 1920x1080]
"""
import argparse
import glob
import os
import sys

from PIL import Image

from tools.liif.train import debian_files, skimage_data

SKIMAGE_PHOTOS = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png",
                  "motorcycle_right.png", "hubble_deep_field.jpg", "retina.jpg", "coins.png", "camera.png",
                  "brick.png", "grass.png", "gravel.png", "moon.png"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--short-side", type=int, default=375)
    parser.add_argument("--frame", help="WxH: camera frames of exactly this size")
    args = parser.parse_args()
    frame = tuple(int(side) for side in args.frame.split("x")) if args.frame else None
    skimage = skimage_data()
    sources = [os.path.join(skimage, name) for name in SKIMAGE_PHOTOS]
    sources += sorted(glob.glob(os.path.join(
        debian_files("mate-backgrounds", "/usr/share/backgrounds/mate/nature"), "*.jpg")))
    written = 0
    for path in sources:
        if not os.path.exists(path):
            continue
        photo = Image.open(path).convert("RGB")
        if frame:
            scale = max(frame[0] / photo.width, frame[1] / photo.height)
        else:
            scale = min(1.0, args.short_side / min(photo.size))
        photo = photo.resize((round(photo.width * scale), round(photo.height * scale)), Image.LANCZOS)
        if frame:
            left = (photo.width - frame[0]) // 2
            top = (photo.height - frame[1]) // 2
            photo = photo.crop((left, top, left + frame[0], top + frame[1]))
        name = os.path.splitext(os.path.basename(path))[0].lower()
        os.makedirs(os.path.join(args.out, name), exist_ok=True)
        photo.save(os.path.join(args.out, name, name + ".jpg"), quality=90)
        written += 1
        print("%-28s %4dx%-4d" % (name, photo.width, photo.height))
    if written == 0:
        sys.exit("no photos found: are python3-skimage and mate-backgrounds available to apt-get?")
    print("%d photos in %s" % (written, args.out))


if __name__ == "__main__":
    main()
