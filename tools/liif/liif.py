"""LIIF (Chen, Liu, Wang, "Learning Continuous Image Representation with Local Implicit Image Function", CVPR 2021),
reimplemented from the paper for lr0: an EDSR-baseline encoder (16 residual blocks, 64 channels, no up-sampling
head), 3x3 feature unfolding (576 channels), local ensemble over the 4 nearest latent codes weighted by the area of
the opposite rectangle, cell decoding, and an MLP 580 -> 256 -> 256 -> 256 -> 256 -> 3. About 1.57 M parameters.

Module names follow the official code's checkpoint layout (encoder.head/body, imnet.layers), so official weights
load after dropping the unused MeanShift entries (convert_official.py).

Two kinds, named in the model's liif.json ("kind"): "liif", the paper's, whose MLP produces every output pixel, and
"liif-residual", whose MLP produces only a correction to the stream's own bicubic up-sampling of the same LR image
(Pillow's, which the caller passes in), as LIIF's successors (LTE) add a bilinear skip. A residual model starts as
bicubic exactly (its last layer is zero), and its correction is weighted by the base's local detail (detail_gate):
none on a flat colour, which therefore comes back exactly whatever the weights.
"""
import json
import os
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F


class ResBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(True),
                                  nn.Conv2d(channels, channels, 3, padding=1))

    def forward(self, x):
        return x + self.body(x)


class EdsrBaseline(nn.Module):
    """EDSR-baseline without its up-sampling tail: image [N,3,h,w] -> features [N,64,h,w]."""

    def __init__(self, blocks: int = 16, channels: int = 64):
        super().__init__()
        self.head = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1))
        self.body = nn.Sequential(*[ResBlock(channels) for _ in range(blocks)],
                                  nn.Conv2d(channels, channels, 3, padding=1))

    def forward(self, x):
        x = self.head(x)
        return self.body(x) + x


class Mlp(nn.Module):
    def __init__(self, in_dim: int = 580, hidden: List[int] = (256, 256, 256, 256), out_dim: int = 3):
        super().__init__()
        layers = []
        last = in_dim
        for width in hidden:
            layers += [nn.Linear(last, width), nn.ReLU()]
            last = width
        layers.append(nn.Linear(last, out_dim))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


def make_coord(h: int, w: int, device: torch.device) -> torch.Tensor:
    """Pixel-centre coordinates in [-1, 1], [h*w, 2] as (row, column)."""
    rows = -1 + 1.0 / h + (2.0 / h) * torch.arange(h, device=device, dtype=torch.float32)
    cols = -1 + 1.0 / w + (2.0 / w) * torch.arange(w, device=device, dtype=torch.float32)
    grid = torch.stack([rows.view(h, 1).expand(h, w), cols.view(1, w).expand(h, w)], dim=-1)
    return grid.view(h * w, 2)


PLAIN = "liif"
RESIDUAL = "liif-residual"


class Liif(nn.Module):
    def __init__(self, residual: bool = False):
        super().__init__()
        self.encoder = EdsrBaseline()
        self.imnet = Mlp()
        self.residual = residual
        if residual:
            # No correction until trained: the model's output is the bicubic up-sampling it is given.
            nn.init.zeros_(self.imnet.layers[-1].weight)
            nn.init.zeros_(self.imnet.layers[-1].bias)

    def kind(self) -> str:
        return RESIDUAL if self.residual else PLAIN

    def features(self, lr: torch.Tensor) -> torch.Tensor:
        """LR image in [0, 1] -> unfolded latent codes [N, 576, h, w]."""
        feat = self.encoder((lr - 0.5) / 0.5)
        n, c, h, w = feat.shape
        return F.unfold(feat, 3, padding=1).view(n, c * 9, h, w)

    def query(self, feat: torch.Tensor, coord: torch.Tensor, cell: torch.Tensor) -> torch.Tensor:
        """RGB (normalised, before x0.5+0.5) at coord [N,Q,2] for cells [N,Q,2]: local ensemble of 4 codes."""
        n, _, h, w = feat.shape
        rx = 1.0 / h
        ry = 1.0 / w
        feat_coord = make_coord(h, w, feat.device).permute(1, 0).view(1, 2, h, w).expand(n, 2, h, w)
        preds: List[torch.Tensor] = []
        areas: List[torch.Tensor] = []
        for vx in [-1.0, 1.0]:
            for vy in [-1.0, 1.0]:
                shifted = coord.clone()
                shifted[:, :, 0] += vx * rx + 1e-6
                shifted[:, :, 1] += vy * ry + 1e-6
                shifted = shifted.clamp(-1 + 1e-6, 1 - 1e-6)
                grid = shifted.flip(-1).unsqueeze(1)
                q_feat = F.grid_sample(feat, grid, mode="nearest", align_corners=False)[:, :, 0, :].permute(0, 2, 1)
                q_coord = F.grid_sample(feat_coord, grid, mode="nearest", align_corners=False)[:, :, 0, :]
                q_coord = q_coord.permute(0, 2, 1)
                rel_coord = coord - q_coord
                rel_coord[:, :, 0] *= h
                rel_coord[:, :, 1] *= w
                rel_cell = cell.clone()
                rel_cell[:, :, 0] *= h
                rel_cell[:, :, 1] *= w
                inp = torch.cat([q_feat, rel_coord, rel_cell], dim=-1)
                q = coord.shape[1]
                preds.append(self.imnet(inp.view(n * q, -1)).view(n, q, -1))
                areas.append(torch.abs(rel_coord[:, :, 0] * rel_coord[:, :, 1]) + 1e-9)
        total = torch.stack(areas).sum(dim=0)
        # Each prediction is weighted by the area of the rectangle opposite to its code.
        weights = [areas[3], areas[2], areas[1], areas[0]]
        out = torch.zeros_like(preds[0])
        for pred, area in zip(preds, weights):
            out = out + pred * (area / total).unsqueeze(-1)
        return out

    def forward(self, lr: torch.Tensor, coord: torch.Tensor, cell: torch.Tensor) -> torch.Tensor:
        """Training form: normalised RGB (a residual model: the normalised correction) at the given query points."""
        return self.query(self.features(lr), coord, cell)

    def render(self, lr: torch.Tensor, out_h: int, out_w: int, chunk: int) -> torch.Tensor:
        """Every pixel of an out_h x out_w image, normalised, [N,3,H,W]; queries in chunks so memory stays bounded."""
        n = lr.shape[0]
        feat = self.features(lr)
        coord = make_coord(out_h, out_w, lr.device).unsqueeze(0).expand(n, out_h * out_w, 2)
        cell = torch.ones_like(coord)
        cell[:, :, 0] *= 2.0 / out_h
        cell[:, :, 1] *= 2.0 / out_w
        parts: List[torch.Tensor] = []
        for start in range(0, out_h * out_w, chunk):
            end = min(start + chunk, out_h * out_w)
            parts.append(self.query(feat, coord[:, start:end], cell[:, start:end]))
        return torch.cat(parts, dim=1).view(n, out_h, out_w, 3).permute(0, 3, 1, 2)


class LiifUpscaler(nn.Module):
    """The exported "liif" module: forward(lr[N,3,h,w] in [0,1], size int64[2] = (H, W)) -> [N,3,H,W] in [0,1]."""

    def __init__(self, liif: Liif, chunk: int = 30000):
        super().__init__()
        self.liif = liif
        self.chunk = chunk

    def forward(self, lr: torch.Tensor, size: torch.Tensor) -> torch.Tensor:
        out = self.liif.render(lr, int(size[0].item()), int(size[1].item()), self.chunk)
        return (out * 0.5 + 0.5).clamp(0, 1)


# A base pixel whose neighbourhood deviates this much (RMS, in [0, 1]) lets half of the correction through.
DETAIL_SCALE = 1.0 / 255.0


def detail_gate(base: torch.Tensor, scale: float = DETAIL_SCALE) -> torch.Tensor:
    """How much of a residual model's correction each pixel of the bicubic base takes, [N,3,H,W] -> [N,1,H,W]:
    d / (d + scale), d the RMS deviation of the base from its 5x5 local mean, channels averaged. Zero on a flat
    colour (so a flat image comes back exactly, whatever the weights), about 1 where there is detail."""
    mean = F.avg_pool2d(base, 5, stride=1, padding=2, count_include_pad=False)
    spread = F.avg_pool2d((base - mean) ** 2, 5, stride=1, padding=2, count_include_pad=False)
    # Less than 1e-6 is float rounding (the mean of a flat patch is not always its value to the last bit): none.
    deviation = (spread.mean(1, keepdim=True).sqrt() - 1e-6).clamp(min=0)
    return deviation / (deviation + scale)


class ResidualLiifUpscaler(nn.Module):
    """The exported "liif-residual" module: forward(lr[N,3,h,w] in [0,1], size int64[2] = (H, W), base[N,3,H,W] in
    [0,1], the caller's bicubic up-sampling of lr to (H, W)) -> base plus the learned correction weighted by the
    base's detail_gate, in [0,1]."""

    def __init__(self, liif: Liif, chunk: int = 30000):
        super().__init__()
        self.liif = liif
        self.chunk = chunk

    def forward(self, lr: torch.Tensor, size: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
        out = self.liif.render(lr, int(size[0].item()), int(size[1].item()), self.chunk)
        return (base + out * 0.5 * detail_gate(base)).clamp(0, 1)


def upscaler(liif: Liif, chunk: int = 30000) -> nn.Module:
    """The exported module of liif's kind."""
    return ResidualLiifUpscaler(liif, chunk) if liif.residual else LiifUpscaler(liif, chunk)


def export(liif: Liif, path: str) -> None:
    liif.eval()
    torch.jit.script(upscaler(liif)).save(path)


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def kind_of(path: str) -> str:
    """The kind of the model at path (an exported .pt or a training .ckpt): the "kind" of the liif.json beside it,
    "liif" without one (an official checkpoint's conversion names its kind too)."""
    sidecar = os.path.splitext(path)[0] + ".json"
    if os.path.exists(sidecar):
        with open(sidecar) as f:
            return json.load(f).get("kind", PLAIN)
    return PLAIN
