#!/usr/bin/python3
"""Writes the backgrounds of the demo's CounterAnimal-style set (fashion-mnist-ca): for each Fashion-MNIST class one
scene its training images never had (they are all on pure black), a texture or a photo from Debian's python3-skimage
(BSD-licensed sample data), as a 96x96 gray PNG. The producer pastes a 28x28 crop of it behind each counter image's
garment, whose pixels stay as they are (docs/metrics.md).

    /usr/bin/python3 -m tools.datasets.counter_backgrounds \
        producers/src/main/resources/io/lr0/producers/counter-backgrounds
"""
import os
import sys

from PIL import Image

from tools.liif.train import skimage_data

# Fashion-MNIST class index -> (background name, skimage file). Names are what the records' attributes say.
BACKGROUNDS = [("grass", "grass.png"), ("brick", "brick.png"), ("gravel", "gravel.png"), ("moon", "moon.png"),
               ("coins", "coins.png"), ("coffee", "coffee.png"), ("cat-fur", "chelsea.png"),
               ("rocket", "rocket.jpg"), ("astronaut", "astronaut.png"), ("camera", "camera.png")]
SIDE = 96


def main(out):
    os.makedirs(out, exist_ok=True)
    data = skimage_data()
    for index, (name, file) in enumerate(BACKGROUNDS):
        photo = Image.open(os.path.join(data, file)).convert("L")
        side = min(photo.size)
        left, top = (photo.width - side) // 2, (photo.height - side) // 2
        tile = photo.crop((left, top, left + side, top + side)).resize((SIDE, SIDE), Image.LANCZOS)
        tile.save(os.path.join(out, "%d-%s.png" % (index, name)), optimize=True)
        print("%d %-10s from %-22s mean gray %.0f" % (index, name, file, sum(tile.getdata()) / SIDE / SIDE))


if __name__ == "__main__":
    main(sys.argv[1])
