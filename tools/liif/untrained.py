"""An untrained liif-residual model and its liif.json, for lr0's tests of the residual contract (ResidualLiifIT): it
returns its bicubic base exactly.

  /usr/bin/python3 -m tools.liif.untrained DIR
"""
import json
import os
import sys

from tools.liif.liif import RESIDUAL, Liif, export


def export_untrained_residual(directory):
    os.makedirs(directory, exist_ok=True)
    export(Liif(residual=True), os.path.join(directory, "liif.pt"))
    with open(os.path.join(directory, "liif.json"), "w") as f:
        json.dump({"kind": RESIDUAL, "steps": 0, "note": "untrained: returns its bicubic base"}, f)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 -m tools.liif.untrained DIR")
    export_untrained_residual(sys.argv[1])
