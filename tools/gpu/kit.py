#!/usr/bin/env python3
"""lr0's GPU kit: one script for a lent GPU machine (PyTorch, no Java, no network), CPU-runnable with --tiny.

1. CLIP: builds lr0's CLIP ViT-B/32 (tools/clip) with random weights on the device (nothing large is carried) and
   times get_image_features at batch 1, 32 and 256 in fp32 and bf16, and the text tower in prompts/s (77 tokens,
   and cut at 16 as lr0 does for a causal text tower).
2. LIIF: trains lr0's photo LIIF (tools/liif), the liif-residual kind, with tools/liif/train.py's recipe (48-px LR
   patches, scale uniform in [1, 4], L1 on bicubic base + correction, Adam, weight average) at a GPU's batch, for
   --liif-minutes on the photos that tools/gpu/prepare.py packed (train.py's training photos; held-out
   mate-backgrounds photos with their Pillow-bicubic low-resolution and up-sampled versions), starting from --init
   (the bundled photo weights), then reports held-out PSNR against bicubic at x2 and x4 for the starting and the
   trained weights, and writes the trained TorchScript upscaler to OUT/liif.pt and its OUT/liif.json.

3. LR-TK0: times one training step of LR-TK0 tokens (tools/clip/lrtk0.py's loss: the frozen teacher on the HR batch,
   the tokenised student on it and on three low-resolution copies) on a full-size ViT-B/32 with random weights, at
   the paper's batch of 128, fp32 and (on a GPU) bf16 autocast: steps/s and images/s.

Everything printed is also in OUT/report.json.

  python3 -m tools.gpu.kit --out $OUT                     # on the GPU machine (data from tools/gpu/prepare.py)
  python3 -m tools.gpu.kit --tiny --synthetic --out /tmp/kit   # anywhere, in a minute (CI)
"""
import argparse
import copy
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn.functional as F

from tools.clip.clip import CONFIGS, Clip, parameter_count
from tools.clip.lrtk0 import contrastive
from tools.liif.liif import RESIDUAL, Liif, detail_gate, export, kind_of, make_coord, upscaler

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PATCH = 48


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(device, run, repeats):
    """Seconds per call of run(), after two warm-up calls."""
    for _ in range(2):
        run()
    synchronize(device)
    start = time.perf_counter()
    for _ in range(repeats):
        run()
    synchronize(device)
    return (time.perf_counter() - start) / repeats


def clip_figures(device, tiny):
    config = CONFIGS["tiny" if tiny else "vit-b-32"]
    torch.manual_seed(0)
    model = Clip(config).eval().to(device)
    figures = {"config": config.name, "parameters": parameter_count(model)}
    batches = [1, 4] if tiny else [1, 32, 256]
    dtypes = {"fp32": torch.float32, "bf16": torch.bfloat16}
    with torch.no_grad():
        for name, dtype in dtypes.items():
            typed = copy.deepcopy(model).to(dtype)
            for batch in batches:
                pixels = torch.randn(batch, 3, config.image_size, config.image_size, device=device, dtype=dtype)
                seconds = timed(device, lambda m=typed, x=pixels: m.get_image_features(x), 2 if tiny else 10)
                figures["image %s batch %d (images/s)" % (name, batch)] = round(batch / seconds, 1)
            prompts = 8 if tiny else 256
            for length in (77, 16):
                ids = torch.randint(1, 49000, (prompts, length), device=device)
                ids[:, 0] = 49406
                ids[:, min(length, 12) - 1] = 49407
                mask = torch.ones_like(ids)
                seconds = timed(device, lambda m=typed, i=ids, k=mask: m.get_text_features(i, k), 2 if tiny else 10)
                figures["text %s %d tokens (prompts/s)" % (name, length)] = round(prompts / seconds, 1)
            del typed
    return figures


def lrtk0_figures(device, tiny):
    """Seconds per LR-TK0 training step: teacher on the HR batch, student on four views, backward, AdamW."""
    config = CONFIGS["tiny" if tiny else "vit-b-32"]
    torch.manual_seed(0)
    teacher = Clip(config).eval().to(device)
    student = Clip(config, lrtk0=True).eval().to(device)
    student.load_state_dict(teacher.state_dict(), strict=False)
    for name, parameter in list(teacher.named_parameters()) + list(student.named_parameters()):
        parameter.requires_grad = name.startswith("visual.lrtk0")
    temperature = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07), device=device))
    optimizer = torch.optim.AdamW([p for p in student.parameters() if p.requires_grad] + [temperature],
                                  lr=1e-3, weight_decay=0.1)
    batch = 4 if tiny else 128
    views = [torch.randn(batch, 3, config.image_size, config.image_size, device=device) for _ in range(4)]
    figures = {"config": config.name, "batch": batch,
               "tokens": sum(p.numel() for n, p in student.named_parameters() if "lrtk0" in n)}
    # bf16 autocast on a GPU only: the CPU's autocast (torch 1.13) has no bf16 layer norm.
    precisions = {"fp32": None, "bf16": torch.bfloat16} if device.type == "cuda" else {"fp32": None}
    for name, dtype in precisions.items():
        def step():
            with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                with torch.no_grad():
                    target = teacher.get_image_features(views[0])
                loss = sum(contrastive(student.get_image_features(v), target, temperature) for v in views)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds = timed(device, step, 2 if tiny else 10)
        figures["%s steps/s" % name] = round(1 / seconds, 2)
        figures["%s HR images/s" % name] = round(batch / seconds, 1)
    return figures


def cubic(x, a=-0.5):
    """Pillow's bicubic kernel (a = -0.5)."""
    x = abs(x)
    if x < 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


_weights = {}


def resize_weights(size_in, size_out, device):
    """The [out, in] matrix of Pillow's bicubic resize along one axis (antialiased when shrinking)."""
    key = (size_in, size_out, str(device))
    if key not in _weights:
        scale = size_in / size_out
        filter_scale = max(scale, 1.0)
        support = 2.0 * filter_scale
        w = torch.zeros(size_out, size_in, dtype=torch.float64)
        for out in range(size_out):
            center = (out + 0.5) * scale
            low, high = max(int(center - support + 0.5), 0), min(int(center + support + 0.5), size_in)
            for x in range(low, high):
                w[out, x] = cubic((x - center + 0.5) / filter_scale)
            w[out] /= w[out].sum()
        _weights[key] = w.float().to(device)
    return _weights[key]


def resize(image, height, width):
    """[3, H, W] in [0, 1] -> [3, height, width], Pillow's bicubic without its 8-bit rounding and clipping between
    passes: shrinking (all that training does) is within 1 LSB of Pillow's on random pixels."""
    rows = resize_weights(image.shape[1], height, image.device)
    cols = resize_weights(image.shape[2], width, image.device)
    return (rows @ image @ cols.t()).clamp(0, 1)


def training_batch(photos, batch, queries, device):
    """LIIF's sample: a random HR crop of 48*s (s in [1, 4]), its bicubic 48x48 LR, random HR pixels, and at those
    pixels the LR's bicubic up-sampling, the base the residual model corrects, with its detail gate."""
    lrs, coords, cells, gts, bases, gates = [], [], [], [], [], []
    while len(lrs) < batch:
        photo = random.choice(photos)
        size = round(PATCH * random.uniform(1, 4))
        if photo.shape[1] < size or photo.shape[2] < size:
            continue
        y, x = random.randint(0, photo.shape[1] - size), random.randint(0, photo.shape[2] - size)
        hr = photo[:, y:y + size, x:x + size]
        if random.random() < 0.5:
            hr = hr.flip(2)
        coord = make_coord(size, size, device)
        pick = torch.randperm(coord.shape[0], device=device)[:queries]
        lr = resize(hr, PATCH, PATCH)
        lrs.append(lr)
        coords.append(coord[pick])
        cells.append(torch.full((queries, 2), 2.0 / size, device=device))
        gts.append((hr.permute(1, 2, 0).reshape(-1, 3)[pick] - 0.5) / 0.5)
        base = resize(lr, size, size)
        bases.append((base.permute(1, 2, 0).reshape(-1, 3)[pick] - 0.5) / 0.5)
        gates.append(detail_gate(base.unsqueeze(0))[0].permute(1, 2, 0).reshape(-1, 1)[pick])
    return (torch.stack(lrs), torch.stack(coords), torch.stack(cells), torch.stack(gts), torch.stack(bases),
            torch.stack(gates))


def psnr(a, b, shave):
    diff = (a - b)[:, shave:a.shape[1] - shave, shave:a.shape[2] - shave]
    return 10 * math.log10(1.0 / max(diff.pow(2).mean().item(), 1e-10))


def held_out_psnr(model, held_out, device):
    """Mean PSNR of LIIF and of bicubic on the held-out photos, x2 and x4, border shave of scale + 6."""
    module = upscaler(model).eval().to(device)
    results = {}
    for scale in (2, 4):
        liif, bicubic = [], []
        for photo in held_out:
            hr, lr, up = photo["hr"], photo["lr%d" % scale], photo["bicubic%d" % scale]
            with torch.no_grad():
                sr = module(lr.unsqueeze(0), torch.tensor([hr.shape[1], hr.shape[2]]), up.unsqueeze(0))[0].clamp(0, 1)
            liif.append(psnr(sr, hr, scale + 6))
            bicubic.append(psnr(up, hr, scale + 6))
        results["x%d" % scale] = {"liif": round(float(np.mean(liif)), 3), "bicubic": round(float(np.mean(bicubic)), 3)}
    return results


def tensor(array, device):
    return torch.from_numpy(np.array(array, copy=True)).to(device).permute(2, 0, 1).float() / 255.0


def load_photos(path, device):
    """Training photos and held-out sets from prepare.py's .npz (uint8 HxWx3 arrays)."""
    data = np.load(path)
    train = [tensor(data[k], device) for k in sorted(data.files) if k.startswith("train_")]
    held_out = []
    for k in sorted(data.files):
        if k.startswith("heldout_hr_"):
            i = k[len("heldout_hr_"):]
            held_out.append({name: tensor(data["heldout_%s_%s" % (name, i)], device)
                             for name in ("hr", "lr2", "lr4", "bicubic2", "bicubic4")})
    return train, held_out


def synthetic_photos(device, count, height, width):
    """Smooth random images (blurred noise) for a run without data: CI checks the mechanics, not the figures."""
    generator = torch.Generator().manual_seed(1)
    images = []
    for _ in range(count):
        noise = torch.rand(1, 3, height // 8, width // 8, generator=generator)
        images.append(F.interpolate(noise, size=(height, width), mode="bicubic", align_corners=False)[0]
                      .clamp(0, 1).to(device))
    held_out = []
    for hr in images[-2:]:
        hr = hr[:, :height - height % 4, :width - width % 4]
        entry = {"hr": hr}
        for scale in (2, 4):
            lr = resize(hr, hr.shape[1] // scale, hr.shape[2] // scale)
            entry["lr%d" % scale], entry["bicubic%d" % scale] = lr, resize(lr, hr.shape[1], hr.shape[2])
        held_out.append(entry)
    return images[:-2], held_out


def initial_weights(path, device):
    scripted = torch.jit.load(path, map_location=device)
    return {k[len("liif."):]: v for k, v in scripted.state_dict().items() if k.startswith("liif.")}


def liif_figures(args, device):
    random.seed(11)
    torch.manual_seed(11)
    if args.synthetic:
        train, held_out = synthetic_photos(device, 6, 96, 112)
    else:
        train, held_out = load_photos(args.data, device)
    model = Liif(residual=True).to(device)
    if args.init:
        model.load_state_dict(initial_weights(args.init, device))
        if kind_of(args.init) != RESIDUAL:
            # From a plain model: its encoder and MLP, but no correction yet, so training starts at bicubic.
            torch.nn.init.zeros_(model.imnet.layers[-1].weight)
            torch.nn.init.zeros_(model.imnet.layers[-1].bias)
    figures = {"trainPhotos": len(train), "heldOutPhotos": len(held_out), "init": args.init}
    if args.init:
        figures["psnr start"] = held_out_psnr(copy.deepcopy(model).eval(), held_out, device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    average = copy.deepcopy(model).eval()
    started, step = time.time(), 0
    while time.time() - started < args.liif_minutes * 60 and (args.liif_steps == 0 or step < args.liif_steps):
        lr, coord, cell, gt, base, gate = training_batch(train, args.batch, args.queries, device)
        loss = F.l1_loss(base + gate * model(lr, coord, cell), gt)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            for kept, current in zip(average.state_dict().values(), model.state_dict().values()):
                kept.mul_(args.ema).add_(current, alpha=1 - args.ema)
        step += 1
        if step % 200 == 0:
            print("liif step %d loss %.4f (%.0f s)" % (step, loss.item(), time.time() - started), flush=True)
    figures.update({"steps": step, "seconds": round(time.time() - started), "batch": args.batch,
                    "queries": args.queries, "psnr trained": held_out_psnr(average, held_out, device)})
    export(average.cpu(), os.path.join(args.out, "liif.pt"))
    with open(os.path.join(args.out, "liif.json"), "w") as f:
        json.dump({"kind": RESIDUAL, "trainedBy": "tools/gpu/kit.py", **figures}, f, indent=2)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.environ.get("OUT", "kit-out"))
    parser.add_argument("--tiny", action="store_true", help="tiny CLIP and short runs (CPU, CI)")
    parser.add_argument("--synthetic", action="store_true", help="train and evaluate LIIF on synthetic images")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "work",
                                                       "photos.npz"))
    parser.add_argument("--init", help="starting LIIF weights (an exported liif.pt)")
    parser.add_argument("--liif-minutes", type=float, default=4)
    parser.add_argument("--liif-steps", type=int, default=0, help="stop after this many steps (0: time only)")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--queries", type=int, default=2304)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--ema", type=float, default=0.999)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    report = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"}
    print(json.dumps(report), flush=True)
    report["clip"] = clip_figures(device, args.tiny)
    print(json.dumps({"clip": report["clip"]}, indent=1), flush=True)
    report["lrtk0"] = lrtk0_figures(device, args.tiny)
    print(json.dumps({"lrtk0": report["lrtk0"]}, indent=1), flush=True)
    report["liif"] = liif_figures(args, device)
    print(json.dumps({"liif": report["liif"]}, indent=1), flush=True)
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
