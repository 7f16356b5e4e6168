#!/usr/bin/python3
"""Convert a CLIP ViT checkpoint into lr0's model contract, offline: OUT_DIR/model.pt (TorchScript with
get_image_features and get_text_features), tokenizer.json and model.json; then

  ./lr0 run --set inference.model=OUT_DIR

Reads OpenAI's released .pt files (TorchScript archives or state dicts), Hugging Face openai/clip-vit-*
checkpoints (model.safetensors or pytorch_model.bin) and OpenCLIP ViT state dicts; the format is detected from the
file and the sizes are read from the weights. LR-TK0 tokens (LR0.FM's names or lr0's) are kept, and model.json's
"lrtk0" says the model has them. Refuses other families (ResNet CLIPs, SigLIP...) saying so.

  /usr/bin/python3 -m tools.clip.convert CHECKPOINT OUT_DIR [--tokenizer DIR] [--name NAME] \
      [--activation quick_gelu|gelu]

--activation: OpenAI's CLIPs (and OpenCLIP's *-quickgelu models) use QuickGELU, the default; OpenCLIP models trained
by LAION without '-quickgelu' in their name use GELU, which no weight reveals: say --activation gelu for them.
--tokenizer: a directory with CLIP's tokenizer.json (default: the shared CLIP ViT-B/32 tokenizer, which all CLIP
ViTs share).
"""
import argparse
import hashlib
import json
import math
import os
import shutil

import torch

from tools.clip.checkpoints import UnsupportedCheckpoint, config_of, openai_state_dict, read_checkpoint
from tools.clip.clip import CLIP_MEAN, CLIP_STD, Clip, parameter_count

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_TOKENIZERS = [
    os.path.join(os.path.dirname(ROOT), "shared", "models", "clip-vit-base-patch32-tokenizer"),
    # The bundled demo model carries the same file (a test checks they are equal).
    os.path.join(ROOT, "demo-models", "src", "main", "resources", "models", "lr0-demo-fmnist"),
]
# OpenAI's pad id: the text is padded with zeros after end-of-text (the causal mask keeps them out anyway).
PAD_TOKEN_ID = 0


def build(state, config):
    """The eager model with the checkpoint's weights; every weight must find its place and every place a weight."""
    model = Clip(config, lrtk0="visual.lrtk0_patch_tokens" in state)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise UnsupportedCheckpoint("the weights do not fit a CLIP ViT of the sizes they imply (%s): missing %s; "
                                    "unexpected %s" % (config, sorted(missing)[:10], sorted(unexpected)[:10]))
    return model.eval()


def export(model, config, out_dir, tokenizer_dir, spec):
    """Writes the model contract: model.pt, tokenizer.json, model.json."""
    os.makedirs(out_dir, exist_ok=True)
    scripted = torch.jit.script(model)
    scripted.save(os.path.join(out_dir, "model.pt"))
    shutil.copyfile(os.path.join(tokenizer_dir, "tokenizer.json"), os.path.join(out_dir, "tokenizer.json"))
    meta = {
        "inputSize": config.image_size,
        "mean": CLIP_MEAN,
        "std": CLIP_STD,
        "contextLength": config.context_length,
        # Causal, pooled at end-of-text: lr0 may cut a batch of prompts after its longest one.
        "causalText": True,
        "padTokenId": PAD_TOKEN_ID,
        # CLIP clamps its learned temperature at 100.
        "logitScale": min(100.0, math.exp(model.logit_scale.item())),
        "embeddingDim": config.embed_dim,
        "parameters": parameter_count(model),
        "architecture": {k: getattr(config, k) for k in (
            "image_size", "patch_size", "vision_width", "vision_layers", "embed_dim", "context_length",
            "vocab_size", "text_width", "text_layers", "activation")},
        "torch": torch.__version__,
    }
    meta.update(spec)
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return scripted


def default_tokenizer():
    for candidate in DEFAULT_TOKENIZERS:
        if os.path.exists(os.path.join(candidate, "tokenizer.json")):
            return candidate
    raise SystemExit("No CLIP tokenizer.json found in %s: name one with --tokenizer DIR" % DEFAULT_TOKENIZERS)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def convert(checkpoint, out_dir, tokenizer_dir=None, name=None, activation="quick_gelu"):
    tensors, file_format = read_checkpoint(checkpoint)
    state, layout = openai_state_dict(tensors)
    name = name or os.path.splitext(os.path.basename(os.path.normpath(checkpoint)))[0]
    config = config_of(state, name, activation)
    model = build(state, config)
    lrtk0 = {"lrtk0": {"backbone": name, "inputSize": config.image_size,
                       "trainedOn": "whatever the checkpoint's tokens were trained on (not lr0)"}}
    description = "CLIP ViT converted by tools/clip/convert.py from %s (%s, %s layout)" % (
        os.path.basename(checkpoint), file_format, layout)
    export(model, config, out_dir, tokenizer_dir or default_tokenizer(), {
        "name": name,
        "description": description,
        "trainedOn": "whatever the checkpoint was trained on (not lr0)",
        "source": {"file": os.path.basename(checkpoint), "format": file_format, "layout": layout,
                   "sha256": sha256(checkpoint)},
        **(lrtk0 if model.visual.lrtk0_patch_tokens is not None else {}),
    })
    return model, config


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("out_dir")
    parser.add_argument("--tokenizer", help="directory with CLIP's tokenizer.json")
    parser.add_argument("--name", help="model name in predictions (default: the checkpoint's file name)")
    parser.add_argument("--activation", choices=["quick_gelu", "gelu"], default="quick_gelu")
    args = parser.parse_args()
    try:
        model, config = convert(args.checkpoint, args.out_dir, args.tokenizer, args.name, args.activation)
    except UnsupportedCheckpoint as e:
        raise SystemExit("Cannot convert %s: %s" % (args.checkpoint, e))
    print("Converted %s: CLIP ViT, %d px, patch %d, %d parameters -> %s"
          % (args.checkpoint, config.image_size, config.patch_size, parameter_count(model), args.out_dir))


if __name__ == "__main__":
    main()
