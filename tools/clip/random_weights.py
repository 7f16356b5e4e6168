#!/usr/bin/python3
"""A CLIP ViT of true size with RANDOM weights (OpenAI's initialisation), in lr0's model contract: for checking
shapes, memory and speed through the real stream where no pretrained weights can be had. Its predictions mean
nothing: model.json says "random": true, and nothing in lr0 presents its accuracy.

  /usr/bin/python3 -m tools.clip.random_weights CONFIG OUT_DIR [--seed N] [--checkpoint FILE]

CONFIG: vit-b-32, vit-b-16, vit-l-14, vit-l-14-336 or tiny. --checkpoint also writes the random weights as an
OpenAI-layout state dict (torch.save), to exercise convert.py. (Not named random.py: a script's own directory comes
first on Python's path, and a random.py there would stand in for the standard library's random module.)
"""
import argparse

import torch

from tools.clip.clip import CONFIGS, Clip
from tools.clip.convert import default_tokenizer, export


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", choices=sorted(CONFIGS))
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", help="also write the weights here (OpenAI layout, torch.save)")
    parser.add_argument("--tokenizer", help="directory with CLIP's tokenizer.json")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    config = CONFIGS[args.config]
    model = Clip(config).eval()
    if args.checkpoint:
        torch.save(model.state_dict(), args.checkpoint)
    export(model, config, args.out_dir, args.tokenizer or default_tokenizer(), {
        "name": "random-clip-" + config.name,
        "description": "RANDOM weights (seed %d) in the CLIP %s architecture, for shapes, memory and speed only: "
                       "its predictions mean nothing" % (args.seed, config.name),
        "trainedOn": "nothing: random weights",
        "random": True,
    })
    print("Random CLIP %s (seed %d) -> %s" % (config.name, args.seed, args.out_dir))


if __name__ == "__main__":
    main()
