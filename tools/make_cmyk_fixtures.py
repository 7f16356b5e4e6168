#!/usr/bin/python3
"""CMYK JPEGs and Pillow's RGB decoding of them, the fixtures CmykJpegTest compares lr0's decoding against.

Some photos of Food-101, SUN397, Oxford-IIIT Pet and ImageNet are CMYK JPEGs. Pillow opens them as CMYK (assuming
Adobe's inverted polarity) and LR0.FM's transforms convert to RGB with Pillow's naive CMYK->RGB. Two files from a
crop of the chelsea photo (python3-skimage's sample data, already a Pillow fixture): one stored as CMYK (Adobe
transform 0), and the same bytes marked YCCK (Adobe transform 2, as Photoshop writes), which libjpeg converts back
before Pillow inverts. Run:  tools/make_cmyk_fixtures.py streams-app/src/test/resources/cmyk  (needs python3-pil).
"""
import os
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTO = os.path.join(HERE, "..", "streams-app", "src", "test", "resources", "pillow", "chelsea.png")


def adobe_transform_at(data):
    """Offset of the transform byte of the Adobe APP14 segment: marker, length, 'Adobe', version, flags0, flags1."""
    at = data.find(b"\xff\xee\x00\x0eAdobe")
    if at < 0:
        raise SystemExit("Pillow wrote no Adobe APP14 segment")
    return at + 2 + 2 + 5 + 2 + 2 + 2


def main(out):
    os.makedirs(out, exist_ok=True)
    crop = Image.open(PHOTO).convert("RGB").crop((100, 50, 196, 114))
    cmyk_path = os.path.join(out, "cmyk.jpg")
    crop.convert("CMYK").save(cmyk_path, quality=90)
    data = bytearray(open(cmyk_path, "rb").read())
    at = adobe_transform_at(data)
    assert data[at] == 0, data[at]
    data[at] = 2
    open(os.path.join(out, "ycck.jpg"), "wb").write(bytes(data))
    for name in ("cmyk", "ycck"):
        decoded = Image.open(os.path.join(out, name + ".jpg"))
        assert decoded.mode == "CMYK", decoded.mode
        decoded.convert("RGB").save(os.path.join(out, name + "-pillow-rgb.png"))
    print("wrote", out)


if __name__ == "__main__":
    main(sys.argv[1])
