"""Reading CLIP checkpoints, offline and without transformers or safetensors, into OpenAI's parameter names.

Formats (detected from the file's first bytes, not its name):
  - safetensors: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, raw tensors;
  - a zip archive: a TorchScript archive (OpenAI's released .pt files) or a torch.save state dict
    (pytorch_model.bin, OpenCLIP's .bin/.pt);
  - a legacy pickle (older torch.save files).
Layouts: OpenAI's names (OpenAI and OpenCLIP ViTs), and Hugging Face's (openai/clip-vit-*), mapped onto OpenAI's.
Other families are refused with a message saying what they are.
"""
import json
import os
import struct

import torch

from tools.clip.clip import ClipConfig

SAFETENSORS_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}


class UnsupportedCheckpoint(Exception):
    """A checkpoint lr0 cannot convert, with the reason in words."""


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length])
    body = memoryview(data)[8 + header_length:]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        if spec["dtype"] not in SAFETENSORS_DTYPES:
            raise UnsupportedCheckpoint("%s: tensor %s has dtype %s, which lr0 does not read"
                                        % (path, name, spec["dtype"]))
        begin, end = spec["data_offsets"]
        dtype = SAFETENSORS_DTYPES[spec["dtype"]]
        raw = bytearray(body[begin:end])
        tensor = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = tensor.reshape(spec["shape"]).clone()
    return tensors


def write_safetensors(tensors, path, metadata=None):
    """The inverse, for tests (and for anyone who wants a safetensors file from a state dict)."""
    names = {v: k for k, v in SAFETENSORS_DTYPES.items()}
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        raw = tensor.detach().contiguous().cpu().reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": names[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for chunk in chunks:
            f.write(chunk)


def read_checkpoint(path):
    """The checkpoint's tensors by name, and the format it was in."""
    if not os.path.isfile(path):
        raise UnsupportedCheckpoint("%s does not exist or is not a file" % path)
    with open(path, "rb") as f:
        head = f.read(9)
    if len(head) == 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] < 100_000_000:
        try:
            return read_safetensors(path), "safetensors"
        except (ValueError, KeyError, TypeError, RuntimeError) as e:
            raise UnsupportedCheckpoint("%s looks like safetensors but does not read as such: %s" % (path, e))
    if head[:4] == b"PK\x03\x04":
        try:
            module = torch.jit.load(path, map_location="cpu")
            return dict(module.state_dict()), "torchscript"
        except RuntimeError:
            pass
    try:
        loaded = torch.load(path, map_location="cpu")
    except Exception as e:
        raise UnsupportedCheckpoint("%s is not a checkpoint lr0 reads (safetensors, a TorchScript archive or a "
                                    "torch.save state dict): %s" % (path, e))
    # Training checkpoints nest the weights; DataParallel prefixes them with "module.".
    for key in ("state_dict", "model"):
        if isinstance(loaded, dict) and isinstance(loaded.get(key), dict):
            loaded = loaded[key]
    if not isinstance(loaded, dict):
        raise UnsupportedCheckpoint("%s holds a %s, not a state dict" % (path, type(loaded).__name__))
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in loaded.items()
            if isinstance(v, torch.Tensor)}, "torch.save"


def layout_of(tensors):
    """'openai' or 'huggingface'; anything else is refused, named when it can be."""
    keys = set(tensors)
    if any(k.startswith("visual.layer1.") or k.startswith("visual.attnpool.") for k in keys):
        raise UnsupportedCheckpoint("a ResNet CLIP (RN50, RN101, RN50x4...): lr0 converts CLIP ViTs only")
    if "logit_bias" in keys or any(k.startswith("vision_model.head.") for k in keys):
        raise UnsupportedCheckpoint(
            "a SigLIP model (sigmoid loss, attention-pooling head): lr0 converts CLIP ViTs only")
    if any(k.startswith("visual.trunk.") for k in keys):
        raise UnsupportedCheckpoint("an OpenCLIP model with a timm image tower (ConvNeXt, EVA...): lr0 converts CLIP "
                                    "ViTs only")
    if any(k.startswith("text.") or k.startswith("text_decoder.") for k in keys):
        raise UnsupportedCheckpoint("an OpenCLIP model with a custom text tower (CoCa, HF text encoders...): lr0 "
                                    "converts CLIP ViTs only")
    if "visual.conv1.weight" in keys and "token_embedding.weight" in keys:
        return "openai"
    if ("vision_model.embeddings.patch_embedding.weight" in keys
            and "text_model.embeddings.token_embedding.weight" in keys):
        return "huggingface"
    raise UnsupportedCheckpoint("not a CLIP ViT checkpoint lr0 knows (neither OpenAI's names, visual.conv1.weight and "
                                "token_embedding.weight, nor Hugging Face's, vision_model.* and text_model.*); first "
                                "keys: %s" % ", ".join(sorted(keys)[:8]))


def count_layers(tensors, prefix, suffix):
    indexes = set()
    for key in tensors:
        if key.startswith(prefix) and key.endswith(suffix):
            indexes.add(int(key[len(prefix):].split(".")[0]))
    return len(indexes)


def from_huggingface(tensors):
    """Hugging Face's CLIPModel names -> OpenAI's: q/k/v fused into in_proj, projections transposed."""
    out = {}

    def tower(hf, openai, layers):
        for i in range(layers):
            src, dst = "%s.encoder.layers.%d." % (hf, i), "%s.resblocks.%d." % (openai, i)
            for part in ("weight", "bias"):
                out[dst + "attn.in_proj_" + part] = torch.cat(
                    [tensors[src + "self_attn.%s_proj.%s" % (p, part)] for p in ("q", "k", "v")])
                out[dst + "attn.out_proj." + part] = tensors[src + "self_attn.out_proj." + part]
                out[dst + "ln_1." + part] = tensors[src + "layer_norm1." + part]
                out[dst + "ln_2." + part] = tensors[src + "layer_norm2." + part]
                out[dst + "mlp.c_fc." + part] = tensors[src + "mlp.fc1." + part]
                out[dst + "mlp.c_proj." + part] = tensors[src + "mlp.fc2." + part]

    vision_layers = count_layers(tensors, "vision_model.encoder.layers.", ".self_attn.q_proj.weight")
    text_layers = count_layers(tensors, "text_model.encoder.layers.", ".self_attn.q_proj.weight")
    tower("vision_model", "visual.transformer", vision_layers)
    tower("text_model", "transformer", text_layers)
    out["visual.conv1.weight"] = tensors["vision_model.embeddings.patch_embedding.weight"]
    out["visual.class_embedding"] = tensors["vision_model.embeddings.class_embedding"]
    out["visual.positional_embedding"] = tensors["vision_model.embeddings.position_embedding.weight"]
    for part in ("weight", "bias"):
        # (sic: Hugging Face spells it pre_layrnorm)
        out["visual.ln_pre." + part] = tensors["vision_model.pre_layrnorm." + part]
        out["visual.ln_post." + part] = tensors["vision_model.post_layernorm." + part]
        out["ln_final." + part] = tensors["text_model.final_layer_norm." + part]
    # Linear layers store [out, in]; OpenAI's projections are matrices applied as x @ proj, [in, out].
    out["visual.proj"] = tensors["visual_projection.weight"].t()
    out["text_projection"] = tensors["text_projection.weight"].t()
    out["token_embedding.weight"] = tensors["text_model.embeddings.token_embedding.weight"]
    out["positional_embedding"] = tensors["text_model.embeddings.position_embedding.weight"]
    out["logit_scale"] = tensors["logit_scale"]
    return out


def to_huggingface(tensors):
    """OpenAI's names -> Hugging Face's (for tests: the same weights in the other layout)."""
    out = {}

    def tower(openai, hf, layers):
        for i in range(layers):
            src, dst = "%s.resblocks.%d." % (openai, i), "%s.encoder.layers.%d." % (hf, i)
            for part in ("weight", "bias"):
                for name, chunk in zip(("q", "k", "v"), tensors[src + "attn.in_proj_" + part].chunk(3)):
                    out[dst + "self_attn.%s_proj.%s" % (name, part)] = chunk.clone()
                out[dst + "self_attn.out_proj." + part] = tensors[src + "attn.out_proj." + part]
                out[dst + "layer_norm1." + part] = tensors[src + "ln_1." + part]
                out[dst + "layer_norm2." + part] = tensors[src + "ln_2." + part]
                out[dst + "mlp.fc1." + part] = tensors[src + "mlp.c_fc." + part]
                out[dst + "mlp.fc2." + part] = tensors[src + "mlp.c_proj." + part]

    tower("visual.transformer", "vision_model",
          count_layers(tensors, "visual.transformer.resblocks.", ".attn.in_proj_weight"))
    tower("transformer", "text_model", count_layers(tensors, "transformer.resblocks.", ".attn.in_proj_weight"))
    out["vision_model.embeddings.patch_embedding.weight"] = tensors["visual.conv1.weight"]
    out["vision_model.embeddings.class_embedding"] = tensors["visual.class_embedding"]
    out["vision_model.embeddings.position_embedding.weight"] = tensors["visual.positional_embedding"]
    for part in ("weight", "bias"):
        out["vision_model.pre_layrnorm." + part] = tensors["visual.ln_pre." + part]
        out["vision_model.post_layernorm." + part] = tensors["visual.ln_post." + part]
        out["text_model.final_layer_norm." + part] = tensors["ln_final." + part]
    out["visual_projection.weight"] = tensors["visual.proj"].t().contiguous()
    out["text_projection.weight"] = tensors["text_projection"].t().contiguous()
    out["text_model.embeddings.token_embedding.weight"] = tensors["token_embedding.weight"]
    out["text_model.embeddings.position_embedding.weight"] = tensors["positional_embedding"]
    out["text_model.embeddings.position_ids"] = torch.arange(tensors["positional_embedding"].shape[0]).unsqueeze(0)
    out["logit_scale"] = tensors["logit_scale"]
    return out


def openai_state_dict(tensors):
    """The checkpoint in OpenAI's names, float32, without the buffers that are not weights."""
    layout = layout_of(tensors)
    if layout == "huggingface":
        tensors = from_huggingface(tensors)
    # OpenAI's TorchScript archives carry input_resolution/context_length/vocab_size as tensors, OpenCLIP an
    # attn_mask buffer and lr0's own archives the causal_mask: sizes and masks follow from the weights instead.
    ignored = {"input_resolution", "context_length", "vocab_size", "attn_mask", "causal_mask"}
    return {k: v.float() for k, v in lrtk0_names(tensors).items() if k not in ignored}, layout


def lrtk0_names(tensors):
    """LR-TK0 tokens as LR0.FM's code names them (visual.spatial_tokens, one visual.transformer.blocks_spatial_tokens.i
    per block) -> lr0's (visual.lrtk0_patch_tokens, and the block tokens stacked as visual.lrtk0_block_tokens); its
    training temperature, logit_scale_hr_lr, is no part of the served model."""
    if "visual.spatial_tokens" not in tensors:
        return tensors
    prefix = "visual.transformer.blocks_spatial_tokens."
    blocks = sorted((int(k[len(prefix):]), v) for k, v in tensors.items() if k.startswith(prefix))
    out = {k: v for k, v in tensors.items()
           if not k.startswith(prefix) and k not in ("visual.spatial_tokens", "logit_scale_hr_lr")}
    out["visual.lrtk0_patch_tokens"] = tensors["visual.spatial_tokens"]
    out["visual.lrtk0_block_tokens"] = torch.stack([v for _, v in blocks])
    return out


def config_of(state, name, activation):
    """The sizes, read from the weights as OpenAI's build_model does."""
    vision_width, _, patch, _ = state["visual.conv1.weight"].shape
    grid = round((state["visual.positional_embedding"].shape[0] - 1) ** 0.5)
    return ClipConfig(
        name=name,
        image_size=patch * grid,
        patch_size=patch,
        vision_width=vision_width,
        vision_layers=count_layers(state, "visual.transformer.resblocks.", ".attn.in_proj_weight"),
        embed_dim=state["text_projection"].shape[1],
        context_length=state["positional_embedding"].shape[0],
        vocab_size=state["token_embedding.weight"].shape[0],
        text_width=state["ln_final.weight"].shape[0],
        text_layers=count_layers(state, "transformer.resblocks.", ".attn.in_proj_weight"),
        activation=activation,
    )
