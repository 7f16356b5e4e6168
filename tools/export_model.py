#!/usr/bin/env python3
"""Export a real CLIP-family checkpoint to lr0's model contract (docs/models.md).

The result is a directory with
  model.pt        TorchScript module with get_image_features(pixel_values[N,3,S,S]) -> [N,D]
                  and get_text_features(input_ids[N,L], attention_mask[N,L]) -> [N,D]
  tokenizer.json  the Hugging Face tokenizer of the checkpoint
  model.json      name, inputSize, mean, std, contextLength, padTokenId, logitScale, trainedOn
that `lr0 run --set inference.model=DIR` loads with DJL's PyTorch engine.

Needs a machine with internet (or the checkpoint in the local cache) and:
  hf-clip, hf-siglip: pip install torch transformers
  open-clip:          pip install torch open_clip_torch transformers   (transformers for the tokenizer.json)
Examples:
  /usr/bin/python3 -m tools.export_model hf-clip openai/clip-vit-base-patch32 out/clip-b32
  /usr/bin/python3 -m tools.export_model open-clip ViT-B-32 --pretrained laion2b_s34b_b79k out/openclip-b32
  /usr/bin/python3 -m tools.export_model hf-siglip google/siglip-base-patch16-224 out/siglip-b16

Not run on lr0's build machines: they have neither these packages nor any pretrained weights.
"""
import argparse
import json
import os

import torch


class Contract(torch.nn.Module):
    """Adapts a model to the two methods lr0 calls, whatever its own method names."""

    def __init__(self, image_fn, text_fn):
        super().__init__()
        self.image_fn = image_fn
        self.text_fn = text_fn

    def get_image_features(self, pixel_values):
        return self.image_fn(pixel_values)

    def get_text_features(self, input_ids, attention_mask):
        return self.text_fn(input_ids, attention_mask)


def hf(kind, name):
    from transformers import AutoModel, AutoProcessor
    model = AutoModel.from_pretrained(name).eval()
    processor = AutoProcessor.from_pretrained(name)
    image_processor, tokenizer = processor.image_processor, processor.tokenizer
    size = image_processor.crop_size["height"] if getattr(image_processor, "crop_size", None) \
        else image_processor.size.get("shortest_edge", image_processor.size.get("height"))
    context = model.config.text_config.max_position_embeddings
    wrapper = Contract(lambda x: model.get_image_features(pixel_values=x),
                       lambda ids, mask: model.get_text_features(input_ids=ids, attention_mask=mask)
                       if kind == "hf-clip" else model.get_text_features(input_ids=ids))
    spec = {
        "name": name.split("/")[-1],
        "inputSize": size,
        "mean": list(image_processor.image_mean),
        "std": list(image_processor.image_std),
        "contextLength": context,
        "padTokenId": tokenizer.pad_token_id,
        "logitScale": float(model.logit_scale.exp()),
        "trainedOn": "see the model card of " + name,
    }
    if kind == "hf-siglip":
        # SigLIP scores with a sigmoid and a bias; lr0's softmax over logit_scale x cosine ranks classes the same.
        spec["description"] = "SigLIP: lr0 reports softmax scores; rankings equal the sigmoid's"
    return wrapper, tokenizer, spec


def open_clip_model(name, pretrained):
    import open_clip
    from transformers import CLIPTokenizerFast
    model, _, preprocess = open_clip.create_model_and_transforms(name, pretrained=pretrained)
    model.eval()
    wrapper = Contract(lambda x: model.encode_image(x), lambda ids, mask: model.encode_text(ids))
    normalize = [t for t in preprocess.transforms if t.__class__.__name__ == "Normalize"][0]
    spec = {
        "name": "%s-%s" % (name, pretrained),
        "inputSize": (model.visual.image_size[0] if isinstance(model.visual.image_size, tuple)
                      else model.visual.image_size),
        "mean": list(normalize.mean),
        "std": list(normalize.std),
        "contextLength": model.context_length,
        "padTokenId": 0,
        "logitScale": float(model.logit_scale.exp()),
        "trainedOn": pretrained,
    }
    # OpenAI-architecture OpenCLIP models use CLIP's BPE vocabulary.
    return wrapper, CLIPTokenizerFast.from_pretrained("openai/clip-vit-base-patch32"), spec


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["hf-clip", "hf-siglip", "open-clip"])
    parser.add_argument("name")
    parser.add_argument("out")
    parser.add_argument("--pretrained", default="openai", help="open-clip: the pretrained tag")
    args = parser.parse_args()
    wrapper, tokenizer, spec = open_clip_model(args.name, args.pretrained) if args.kind == "open-clip" \
        else hf(args.kind, args.name)
    size, length = spec["inputSize"], spec["contextLength"]
    pixels = torch.zeros(2, 3, size, size)
    ids = torch.zeros(2, length, dtype=torch.long)
    mask = torch.ones(2, length, dtype=torch.long)
    with torch.no_grad():
        traced = torch.jit.trace_module(wrapper, {"get_image_features": (pixels,),
                                                  "get_text_features": (ids, mask)})
    os.makedirs(args.out, exist_ok=True)
    traced.save(os.path.join(args.out, "model.pt"))
    tokenizer.save_pretrained(args.out)  # writes tokenizer.json (fast tokenizers)
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(spec, f, indent=2)
    print("exported %s to %s: %s" % (args.name, args.out, spec))


if __name__ == "__main__":
    main()
