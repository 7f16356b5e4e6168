#!/usr/bin/python3
"""Writes the poison-input fixtures of PoisonCorpusIT (run from this directory; needs python3-pil).

Each file is the payload of one bad input; corpus.tsv says how the test wraps it (an Image inside a valid
ImageRecord, a whole Kafka record value, or an Avro body after a valid registry header) and which dead-letter
reason (or counted warning) it must end in. Re-running rewrites the same bytes.
"""
import io
import struct
import zlib

from PIL import Image

def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

def png_declaring(width, height, color_type=0):
    """A valid PNG signature and IHDR declaring width x height, then a tiny IDAT: a decompression bomb."""
    ihdr = struct.pack(">IIBBBBB", width & 0xFFFFFFFF, height & 0xFFFFFFFF, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + png_chunk(b"IEND", b""))

def jpeg_declaring(width, height):
    """SOI, a baseline SOF0 header declaring width x height (3 components), EOI: no scan data at all."""
    sof = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9"

def encoded(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()

photo = Image.open("../pillow/chelsea.png").convert("RGB").resize((64, 43))
png = encoded(photo, "PNG")
jpeg = encoded(photo, "JPEG", quality=90)
gif = encoded(photo, "GIF")
bmp = encoded(photo, "BMP")

def corrupt_idat(data):
    at = data.index(b"IDAT") + 20
    return data[:at] + bytes(b ^ 0xFF for b in data[at:at + 64]) + data[at + 64:]

files = {
    "png-truncated-header.png": png[:30],
    "png-truncated-half.png": png[:len(png) // 2],
    "png-corrupt-idat.png": corrupt_idat(png),
    "png-signature-only.png": png[:8],
    "png-wrong-magic.png": b"\x89PNX\r\n\x1a\n" + png[8:],
    "png-zero-width.png": png_declaring(0, 64),
    "png-zero-height.png": png_declaring(64, 0),
    "png-negative-width.png": png_declaring(-5, 64),
    "png-bomb-100000x100000.png": png_declaring(100_000, 100_000),
    "png-bomb-rgb-65535x65535.png": png_declaring(65_535, 65_535, color_type=2),
    "jpeg-truncated-header.jpg": jpeg[:20],
    "jpeg-truncated-half.jpg": jpeg[:len(jpeg) // 2],
    "jpeg-no-scan.jpg": jpeg_declaring(640, 480),
    "jpeg-bomb-65500x65500.jpg": jpeg_declaring(65_500, 65_500),
    "jpeg-zero-width.jpg": jpeg_declaring(0, 480),
    "jpeg-wrong-magic.jpg": b"\xff\xd9" + jpeg[2:],
    "png-bytes.png": png,
    "jpeg-bytes.jpg": jpeg,
    "gif-bytes.gif": gif,
    "bmp-bytes.bmp": bmp,
    "text.txt": b"this is not an image\n",
    "empty.bin": b"",
    "json-value.json": b'{"id": "x", "image": "not avro"}',
    "magic-1.bin": b"\x01\x00\x00\x00\x01" + b"\x02" * 10,
    "header-only-3-bytes.bin": b"\x00\x00\x00",
    "unknown-schema-id.bin": b"\x00\x7f\x00\x00\x01" + b"\x02" * 10,
    "avro-garbage-body.bin": b"\xff" * 24,
    "avro-negative-length-body.bin": b"\x01",
}
for name, data in files.items():
    with open(name, "wb") as out:
        out.write(data)
print("wrote %d fixtures" % len(files))
