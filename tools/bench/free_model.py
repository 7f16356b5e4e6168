#!/usr/bin/python3
"""The bench's free model (`./lr0 bench pipeline --free-model`): lr0's model contract at CLIP's input (224 px,
CLIP's mean and std, a 77-token context) with forward passes that cost next to nothing (a mean over the pixels and
a 3 x 8 projection; a hashed token embedding), so the bench measures the pipeline's own CPU per image at full
speed. Its predictions mean nothing: model.json says "random": true, and nothing presents its accuracy.

  /usr/bin/python3 -m tools.bench.free_model [OUT_DIR]   (default: the bench's resources)

OUT_DIR gets model.pt and model.json; the bench takes the bundled demo model's tokenizer.json (CLIP's) beside them.
"""
import json
import os
import sys

import torch
from torch import nn

EMBEDDING = 8
HASHED_TOKENS = 64


class FreeModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.image = nn.Linear(3, EMBEDDING)
        self.text = nn.Embedding(HASHED_TOKENS, EMBEDDING)
        self.hashed_tokens = HASHED_TOKENS

    @torch.jit.export
    def get_image_features(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.image(pixels.mean(dim=(2, 3)))

    @torch.jit.export
    def get_text_features(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return (self.text(ids % self.hashed_tokens) * mask.unsqueeze(-1).float()).sum(1)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.get_image_features(pixels)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "src", "main", "resources", "models",
        "lr0-free-224")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.jit.script(FreeModel().eval()).save(os.path.join(out, "model.pt"))
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump({
            "name": "lr0-free-224",
            "description": "FREE model of lr0's bench (tools/bench/free_model.py): CLIP's input and context, forward "
                           "passes that cost next to nothing, so the pipeline's own CPU can be measured. Its "
                           "predictions mean nothing.",
            "random": True,
            "inputSize": 224,
            "mean": [0.48145466, 0.4578275, 0.40821073],
            "std": [0.26862954, 0.26130258, 0.27577711],
            "contextLength": 77,
            "padTokenId": 0,
            "logitScale": 100.0,
            "embeddingDim": EMBEDDING,
            "torch": torch.__version__,
        }, f, indent=2)
    print("wrote %s" % out)


if __name__ == "__main__":
    main()
