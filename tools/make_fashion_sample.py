#!/usr/bin/python3
"""Cut the bundled Fashion-MNIST sample: the first N images (default 1,000) of the test split, as gzipped IDX.

Source: Debian package dataset-fashion-mnist (Fashion-MNIST by Zalando Research, MIT licence).
Run:  tools/make_fashion_sample.py [N]
"""
import gzip
import struct
import sys

SRC = "/usr/share/datasets/fashion-mnist/"
DST = "producers/src/main/resources/io/lr0/producers/fashion-mnist-sample/"


def main(n):
    with gzip.open(SRC + "t10k-images-idx3-ubyte.gz") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        pixels = f.read(n * rows * cols)
    with gzip.open(SRC + "t10k-labels-idx1-ubyte.gz") as f:
        lmagic, lcount = struct.unpack(">II", f.read(8))
        labels = f.read(n)
    # mtime=0 keeps the files byte-identical between runs.
    with gzip.GzipFile(DST + "t10k-images-idx3-ubyte.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">IIII", magic, n, rows, cols) + pixels)
    with gzip.GzipFile(DST + "t10k-labels-idx1-ubyte.gz", "wb", mtime=0) as f:
        f.write(struct.pack(">II", lmagic, n) + labels)
    print("wrote %d images (%s) per class counts %s" % (n, DST, [labels.count(bytes([c])) for c in range(10)]))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
