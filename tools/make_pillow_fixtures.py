#!/usr/bin/python3
"""Reference outputs of Pillow's bicubic resize, the fixtures PillowResizeTest compares lr0's kernel against.

Inputs are natural photos shipped by Debian's python3-skimage package (scikit-image's sample data, public domain /
CC0 per its README). Run:  tools/make_pillow_fixtures.py OUT_DIR  (needs python3-pil; extracts python3-skimage with
`apt-get download` + `dpkg -x` if the package is not installed).
"""
import csv
import glob
import os
import subprocess
import sys
import tempfile

from PIL import Image

PHOTOS = ["chelsea.png", "coffee.png", "camera.png"]
# Odd widths and heights: the Java kernel packs two rows per multiply-add, so a lone last row must come out right.
ODD_CROPS = {"chelsea-odd.png": ("chelsea.png", (60, 20, 361, 243))}
RESOLUTIONS = [7, 16, 32, 64, 128]
UPSAMPLE = [(16, 224), (32, 224)]


def skimage_data_dir():
    installed = os.environ.get("SKIMAGE_DATA", "/usr/lib/python3/dist-packages/skimage/data")
    if os.path.isdir(installed):
        return installed
    work = tempfile.mkdtemp()
    subprocess.run(["apt-get", "download", "python3-skimage"], cwd=work, check=True)
    deb = glob.glob(os.path.join(work, "python3-skimage_*.deb"))[0]
    subprocess.run(["dpkg", "-x", deb, work], check=True)
    return os.path.join(work, "usr/lib/python3/dist-packages/skimage/data")


def short_side(size, r):
    """torchvision.transforms.Resize(r) output size: short side r, long side truncated."""
    w, h = size
    return (r, int(r * h / w)) if w <= h else (int(r * w / h), r)


def main(out):
    os.makedirs(out, exist_ok=True)
    data = skimage_data_dir()
    rows = []
    photos = [(name, Image.open(os.path.join(data, name))) for name in PHOTOS]
    photos += [(name, Image.open(os.path.join(data, source)).crop(box)) for name, (source, box) in ODD_CROPS.items()]
    for name, photo in photos:
        photo.load()
        photo.save(os.path.join(out, name))
        cases = [(r, None) for r in RESOLUTIONS] + UPSAMPLE
        for r, up in cases:
            low = photo.resize(short_side(photo.size, r), Image.BICUBIC)
            result = low if up is None else low.resize(short_side(low.size, up), Image.BICUBIC)
            target = "%s-r%d%s.png" % (name[:-4], r, "" if up is None else "-up%d" % up)
            result.save(os.path.join(out, target))
            rows.append([name, r, up or "", target])
    with open(os.path.join(out, "cases.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["input", "resolution", "upsample", "expected"])
        writer.writerows(rows)
    print("wrote %d cases to %s with Pillow %s" % (len(rows), out, Image.__version__))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "streams-app/src/test/resources/pillow")
