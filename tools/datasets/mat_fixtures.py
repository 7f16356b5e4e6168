"""Writes the MATLAB label files of the benchmark readers' test fixtures with scipy (a MAT-file writer that is not
lr0's), in the shapes and types the published files have: Flowers-102's imagelabels.mat and setid.mat, Stanford Cars'
devkit cars_meta.mat and cars_test_annos_withlabels.mat, the ImageNet devkit's meta.mat.

    apt-get install python3-scipy
    /usr/bin/python3 -m tools.datasets.mat_fixtures producers/src/test/resources/io/lr0/producers/lr0fm
"""
import os
import sys

import numpy as np
from scipy.io import savemat


def main(out):
    os.makedirs(out, exist_ok=True)
    # Flowers-102: labels 1 x N double; split ids 1 x k double. One file compressed, one not: MATLAB writes either.
    savemat(os.path.join(out, "flowers-imagelabels.mat"), {"labels": np.array([[1, 2, 102, 2, 1, 102]], dtype=float)},
            do_compression=True)
    savemat(os.path.join(out, "flowers-setid.mat"),
            {"trnid": np.array([[1, 2]], dtype=float), "valid": np.array([[3]], dtype=float),
             "tstid": np.array([[4, 5, 6]], dtype=float)})
    # Stanford Cars devkit: class_names 1 x C cell of strings; annotations 1 x N struct (bbox, class, fname).
    names = np.empty((1, 3), dtype=object)
    names[0, :] = ["AM General Hummer SUV 2000", "Acura RL Sedan 2012", "Ram C/V Cargo Van Minivan 2012"]
    savemat(os.path.join(out, "cars_meta.mat"), {"class_names": names}, do_compression=True)
    fields = [("bbox_x1", "O"), ("bbox_y1", "O"), ("bbox_x2", "O"), ("bbox_y2", "O"), ("class", "O"), ("fname", "O")]
    annotations = np.empty((1, 3), dtype=fields)
    for i, (label, fname) in enumerate([(1, "00001.jpg"), (3, "00002.jpg"), (2, "00003.jpg")]):
        annotations[0, i] = (np.uint16(30), np.uint16(52), np.uint16(246), np.uint16(147), np.uint8(label), fname)
    savemat(os.path.join(out, "cars_test_annos_withlabels.mat"), {"annotations": annotations}, do_compression=True)
    # ImageNet devkit meta.mat: synsets S x 1 struct; leaves have ILSVRC2012_ID 1-1000, which is not WordNet-id order.
    fields = [(f, "O") for f in ["ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children",
                                 "wordnet_height", "num_train_images"]]
    synsets = np.empty((5, 1), dtype=fields)
    rows = [(1, "n02119789", "kit fox, Vulpes macrotis", 0, []),
            (2, "n02100735", "English setter", 0, []),
            (3, "n02110185", "Siberian husky", 0, []),
            (4, "n02096294", "Australian terrier", 0, []),
            (1001, "n02084071", "dog, domestic dog", 2, [2, 3])]
    for i, (ident, wnid, words, n, children) in enumerate(rows):
        synsets[i, 0] = (np.float64(ident), wnid, words, "a gloss", np.float64(n),
                         np.array(children, dtype=float).reshape(1, -1) if children else np.zeros((0, 0)),
                         np.float64(0), np.float64(1300))
    savemat(os.path.join(out, "imagenet-meta.mat"), {"synsets": synsets})


if __name__ == "__main__":
    main(sys.argv[1])
