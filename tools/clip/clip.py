"""lr0's own PyTorch implementation of the CLIP dual encoder (ViT image tower, causal text transformer).

Module and parameter names follow OpenAI's released checkpoints (visual.*, transformer.*, token_embedding,
positional_embedding, ln_final, text_projection, logit_scale), so such a state dict loads as it is; convert.py maps
the other layouts onto these names. The two methods lr0's model contract calls are TorchScript-exportable:
  get_image_features(pixel_values[N,3,H,W]) -> [N,D]     (not normalised; lr0 normalises)
  get_text_features(input_ids[N,L], attention_mask[N,L]) -> [N,D]
The text is pooled at the end-of-text token, the largest id in CLIP's vocabulary (argmax of the ids, the first one
when the padding is end-of-text too); the causal mask already keeps padding out of it, so the attention mask is
accepted for the contract and not needed.

LR-TK0 (LR0.FM, arXiv 2502.03950): a ViT built with lrtk0=True carries the paper's robustness tokens, learned tensors
of shape [1, patches, width] added to the patch tokens (never to the class token; the sequence does not grow): one
set right after the patch embedding (visual.lrtk0_patch_tokens) and one per transformer block, just before that block
(visual.lrtk0_block_tokens, [layers, 1, patches, width]). They are always on: tools/clip/lrtk0.py trains them with
everything else frozen.

Weights are float32 (convert.py converts half-precision checkpoints). Written for Debian's python3-torch 1.13
and newer.
"""
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class ClipConfig:
    """Sizes of a CLIP ViT; the heads follow OpenAI's rule (width / 64)."""
    name: str
    image_size: int
    patch_size: int
    vision_width: int
    vision_layers: int
    embed_dim: int
    context_length: int
    vocab_size: int
    text_width: int
    text_layers: int
    activation: str = "quick_gelu"

    @property
    def vision_heads(self):
        return max(1, self.vision_width // 64)

    @property
    def text_heads(self):
        return max(1, self.text_width // 64)


CONFIGS = {
    "vit-b-32": ClipConfig("vit-b-32", 224, 32, 768, 12, 512, 77, 49408, 512, 12),
    "vit-b-16": ClipConfig("vit-b-16", 224, 16, 768, 12, 512, 77, 49408, 512, 12),
    "vit-l-14": ClipConfig("vit-l-14", 224, 14, 1024, 24, 768, 77, 49408, 768, 12),
    "vit-l-14-336": ClipConfig("vit-l-14-336", 336, 14, 1024, 24, 768, 77, 49408, 768, 12),
    # For tests: CLIP's real vocabulary and context (so the real tokenizer drives it), everything else small.
    "tiny": ClipConfig("tiny", 32, 8, 64, 2, 32, 77, 49408, 64, 2),
}

# OpenAI CLIP's pre-processing (the model contract's model.json carries it).
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


class QuickGELU(nn.Module):
    """x * sigmoid(1.702 x): the activation OpenAI trained CLIP with."""

    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    """Pre-LayerNorm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). Sequence first, as OpenAI's."""

    def __init__(self, width, heads, activation):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, width * 4)),
            ("gelu", QuickGELU() if activation == "quick_gelu" else nn.GELU()),
            ("c_proj", nn.Linear(width * 4, width)),
        ]))
        self.ln_2 = nn.LayerNorm(width)

    def forward(self, x, attn_mask: Optional[torch.Tensor]):
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=attn_mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, activation):
        super().__init__()
        self.resblocks = nn.ModuleList([ResidualAttentionBlock(width, heads, activation) for _ in range(layers)])

    def forward(self, x, attn_mask: Optional[torch.Tensor], tokens: Optional[torch.Tensor] = None):
        """x [sequence, batch, width]; tokens, when given, [layers, 1, sequence - 1, width]: block i's are added to
        every position but the first (the class token) before block i runs."""
        for i, block in enumerate(self.resblocks):
            if tokens is not None:
                x = torch.cat([x[:1], x[1:] + tokens[i].permute(1, 0, 2).to(x.dtype)], dim=0)
            x = block(x, attn_mask)
        return x


class VisionTransformer(nn.Module):
    """Patch convolution (plus LR-TK0's patch tokens), class token, positional embedding, ln_pre, transformer (plus
    LR-TK0's block tokens), ln_post on the class token, proj."""

    def __init__(self, config: ClipConfig, lrtk0: bool = False):
        super().__init__()
        width = config.vision_width
        grid = config.image_size // config.patch_size
        scale = width ** -0.5
        self.conv1 = nn.Conv2d(3, width, kernel_size=config.patch_size, stride=config.patch_size, bias=False)
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(grid * grid + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        self.transformer = Transformer(width, config.vision_layers, config.vision_heads, config.activation)
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, config.embed_dim))
        # LR-TK0's tokens, small-normal initialised as the paper's code does (std 0.01 and 0.02); None without.
        self.lrtk0_patch_tokens = nn.Parameter(0.01 * torch.randn(1, grid * grid, width)) if lrtk0 else None
        self.lrtk0_block_tokens = (nn.Parameter(0.02 * torch.randn(config.vision_layers, 1, grid * grid, width))
                                   if lrtk0 else None)

    def forward(self, x):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        patch_tokens = self.lrtk0_patch_tokens
        if patch_tokens is not None:
            x = x + patch_tokens.to(x.dtype)
        cls = self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype,
                                                             device=x.device)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x).permute(1, 0, 2)
        # No mask in the image tower: every patch sees every other.
        x = self.transformer(x, None, self.lrtk0_block_tokens).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


class Clip(nn.Module):
    def __init__(self, config: ClipConfig, lrtk0: bool = False):
        super().__init__()
        self.config_name = config.name
        self.visual = VisionTransformer(config, lrtk0)
        self.transformer = Transformer(config.text_width, config.text_layers, config.text_heads, config.activation)
        self.token_embedding = nn.Embedding(config.vocab_size, config.text_width)
        self.positional_embedding = nn.Parameter(torch.empty(config.context_length, config.text_width))
        self.ln_final = nn.LayerNorm(config.text_width)
        self.text_projection = nn.Parameter(torch.empty(config.text_width, config.embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * math.log(1 / 0.07))
        # Causal: a token sees itself and the tokens before it (-inf above the diagonal).
        self.register_buffer("causal_mask", torch.full((config.context_length, config.context_length),
                                                       float("-inf")).triu(1), persistent=False)
        self.initialize(config)

    def initialize(self, config: ClipConfig):
        """OpenAI's initialisation: what random weights of the true sizes look like."""
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        width, layers = config.text_width, config.text_layers
        proj_std = (width ** -0.5) * ((2 * layers) ** -0.5)
        attn_std = width ** -0.5
        fc_std = (2 * width) ** -0.5
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=attn_std)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=fc_std)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=width ** -0.5)

    @torch.jit.export
    def get_image_features(self, pixel_values):
        return self.visual(pixel_values.to(self.visual.conv1.weight.dtype))

    @torch.jit.export
    def get_text_features(self, input_ids, attention_mask):
        length = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.positional_embedding[:length]
        x = self.transformer(x.permute(1, 0, 2), self.causal_mask[:length, :length].to(x.dtype)).permute(1, 0, 2)
        x = self.ln_final(x)
        # End-of-text pooling: its id is the largest, and argmax returns the first one.
        eot = input_ids.argmax(dim=-1)
        return x[torch.arange(x.shape[0], device=x.device), eot] @ self.text_projection

    def forward(self, pixel_values, input_ids, attention_mask):
        image = F.normalize(self.get_image_features(pixel_values), dim=-1)
        text = F.normalize(self.get_text_features(input_ids, attention_mask), dim=-1)
        return self.logit_scale.exp() * image @ text.t()


def parameter_count(module):
    return sum(p.numel() for p in module.parameters())
