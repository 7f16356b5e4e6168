#!/usr/bin/python3
"""Convert a checkpoint of the official LIIF code (github.com/yinboc/liif, EDSR-baseline encoder, e.g.
edsr-baseline-liif.pth) into lr0's TorchScript upscaler.

The official file is torch.save({'model': {'name': 'liif', 'args': {...}, 'sd': state_dict}, ...}); its state dict
uses encoder.head.*, encoder.body.*, imnet.layers.* (the names liif.py keeps) plus MeanShift constants
(encoder.sub_mean.*, encoder.add_mean.*) that LIIF never applies, which are dropped.

  /usr/bin/python3 -m tools.liif.convert_official edsr-baseline-liif.pth \
      demo-models/src/main/resources/models/lr0-liif/liif.pt
"""
import json
import os
import sys

import torch

from tools.liif.liif import Liif, export

UNUSED_PREFIXES = ("encoder.sub_mean.", "encoder.add_mean.")


def state_dict_of(checkpoint):
    if isinstance(checkpoint, dict) and "model" in checkpoint:
        model = checkpoint["model"]
        if model.get("name") not in (None, "liif"):
            raise ValueError("not a LIIF checkpoint: model name %r" % model.get("name"))
        encoder = model.get("args", {}).get("encoder_spec", {}).get("name")
        if encoder not in (None, "edsr-baseline"):
            raise ValueError("encoder %r is not supported: lr0's LIIF uses edsr-baseline" % encoder)
        return model["sd"]
    return checkpoint


def convert(checkpoint) -> Liif:
    state = {k: v for k, v in state_dict_of(checkpoint).items() if not k.startswith(UNUSED_PREFIXES)}
    liif = Liif()
    liif.load_state_dict(state, strict=True)
    return liif


def main(source, target):
    liif = convert(torch.load(source, map_location="cpu"))
    export(liif, target)
    # The paper's LIIF produces every pixel itself: lr0 passes it no bicubic base.
    with open(os.path.splitext(target)[0] + ".json", "w") as f:
        json.dump({"kind": liif.kind(), "convertedFrom": os.path.basename(source)}, f, indent=2)
    print("converted %s -> %s" % (source, target))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
