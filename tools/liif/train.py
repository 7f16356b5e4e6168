#!/usr/bin/python3
"""Train lr0's LIIF on natural photographs that Debian ships, with a scaled-down version of the paper's recipe:
48x48 low-resolution patches, scale sampled uniformly in [1, 4], L1 loss, Adam 1e-4; scaled down to a smaller batch,
fewer query points per patch (--queries; the paper samples 2,304) and a time budget instead of 1,000 epochs.
Reports PSNR against bicubic on held-out photos (RGB, border shave of scale + 6 pixels) for x2, x3, x4, and exports
the TorchScript upscaler.

Photos: scikit-image's sample data from Debian's python3-skimage, and the photographs and drawings of four Debian
wallpaper packages (WALLPAPERS), shrunk to a 1,024-px long side; packages are fetched with apt-get download + dpkg -x.
The three HELD_OUT scikit-image photos are the probe's; Debian's mate-backgrounds is left out of all training, for
tools/liif/eval_photos.py.

  /usr/bin/python3 -m tools.liif.train --minutes 60 --out demo-models/src/main/resources/models/lr0-liif/liif.pt

Fine-tuning on Fashion-MNIST (--data fashion-mnist, usually with --init the photo model's checkpoint): whole 28x28
train-split images as HR, one scale in [1, 4] per batch, all 784 pixels as queries; PSNR on the test split (x2:
28 -> 14 -> 28, x4: 28 -> 7 -> 28, no border shave on 28 px images).

  /usr/bin/python3 -m tools.liif.train --data fashion-mnist --init liif.ckpt --minutes 10 --out liif-fmnist.pt

A checkpoint (model and optimiser) is written next to --out every --checkpoint-every steps, and --resume continues
from it, so a long run can be split; every --probe-every steps a quick probe prints PSNR on 96x96 centre crops of the
held-out photos, so progress is visible before the full evaluation at the end.

The probe, the evaluation and the export use an exponential moving average of the weights (--ema, as in ESRGAN-style
super-resolution training): with batches of 4 the raw weights swing by a few tenths of a dB from step to step.
"""
import copy
import argparse
import glob
import gzip
import struct
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from tools.liif.liif import RESIDUAL, Liif, detail_gate, export, kind_of, make_coord, upscaler

TRAIN = ["astronaut.png", "coffee.png", "motorcycle_left.png", "hubble_deep_field.jpg", "ihc.png", "retina.jpg",
         "brick.png", "grass.png", "gravel.png", "coins.png", "moon.png", "camera.png", "page.png", "text.png",
         "logo.png", "color.png"]
HELD_OUT = ["chelsea.png", "rocket.jpg", "motorcycle_right.png"]
# Debian's wallpaper packages with photographs (and gnome's drawn ones: flat areas and hard edges), by the folder they
# install. mate-backgrounds is never among them: it is the held-out set of tools/liif/eval_photos.py.
WALLPAPERS = {"lomiri-wallpapers-16.04": "/usr/share/backgrounds", "lomiri-wallpapers-20.04": "/usr/share/backgrounds",
              "ukui-wallpapers": "/usr/share/backgrounds", "gnome-backgrounds": "/usr/share/backgrounds/gnome"}
# Wallpapers are 2-6k pixels wide; the training crops come from copies this long, near the held-out photos' density.
LONG_SIDE = 1024


def skimage_data():
    installed = os.environ.get("SKIMAGE_DATA", "/usr/lib/python3/dist-packages/skimage/data")
    return debian_files("python3-skimage", installed)


def debian_files(package, installed):
    """The folder `installed` of a Debian package: as installed, or unpacked from its downloaded .deb."""
    return installed if os.path.isdir(installed) else package_folder(package, installed)


def package_folder(package, folder):
    """The folder a Debian package installs, unpacked from its downloaded .deb (cached in the temp dir), so it holds
    that package's files alone whatever else is installed."""
    work = os.path.join(tempfile.gettempdir(), "lr0-liif-debian", package)
    unpacked = os.path.join(work, folder.lstrip("/"))
    if not os.path.isdir(unpacked):
        os.makedirs(work, exist_ok=True)
        subprocess.run(["apt-get", "download", package], cwd=work, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["dpkg", "-x", glob.glob(os.path.join(work, package + "_*.deb"))[0], work], check=True)
    return unpacked


def load(directory, names):
    photos = []
    for name in names:
        path = os.path.join(directory, name)
        if os.path.exists(path):
            photos.append(Image.open(path).convert("RGB"))
    return photos


def wallpapers():
    """The WALLPAPERS packages' images (not their subfolders), each shrunk to LONG_SIDE with Pillow's LANCZOS."""
    photos, names = [], []
    for package, folder in WALLPAPERS.items():
        for path in sorted(glob.glob(os.path.join(package_folder(package, folder), "*"))):
            if not path.lower().endswith((".jpg", ".jpeg", ".png", ".webp")):
                continue
            photo = Image.open(path).convert("RGB")
            shrink = LONG_SIDE / max(photo.size)
            if shrink < 1:
                photo = photo.resize((round(photo.width * shrink), round(photo.height * shrink)), Image.LANCZOS)
            if min(photo.size) >= 192:
                photos.append(photo)
                names.append(package + ":" + os.path.basename(path))
    return photos, names


def to_tensor(image):
    return torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)


def sample_batch(photos, batch, patch=48, queries=2304):
    """LIIF's training sample: a random HR crop of size 48*s, its bicubic 48x48 LR, random HR pixels, and at those
    pixels the LR's bicubic up-sampling (Pillow's, as the stream's), the base a residual model corrects, with its
    detail gate."""
    lrs, coords, cells, gts, bases, gates = [], [], [], [], [], []
    while len(lrs) < batch:
        photo = random.choice(photos)
        scale = random.uniform(1, 4)
        size = round(patch * scale)
        if photo.width < size or photo.height < size:
            continue
        x, y = random.randint(0, photo.width - size), random.randint(0, photo.height - size)
        hr = photo.crop((x, y, x + size, y + size))
        if random.random() < 0.5:
            hr = hr.transpose(Image.FLIP_LEFT_RIGHT)
        lr = hr.resize((patch, patch), Image.BICUBIC)
        hr_t = to_tensor(hr)
        coord = make_coord(size, size, torch.device("cpu"))
        rgb = hr_t.permute(1, 2, 0).reshape(-1, 3)
        pick = torch.randperm(coord.shape[0])[:queries]
        cell = torch.ones(queries, 2) * (2.0 / size)
        lrs.append(to_tensor(lr))
        coords.append(coord[pick])
        cells.append(cell)
        gts.append((rgb[pick] - 0.5) / 0.5)
        base, gate = base_and_gate(lr, size, size)
        bases.append(base[pick])
        gates.append(gate[pick])
    return (torch.stack(lrs), torch.stack(coords), torch.stack(cells), torch.stack(gts), torch.stack(bases),
            torch.stack(gates))


def base_and_gate(lr, width, height):
    """The stream's base for a residual model, Pillow's bicubic up-sampling of lr, normalised as the targets are,
    [H*W, 3], and its detail gate, [H*W, 1], both in the row-major order of make_coord."""
    base = to_tensor(lr.resize((width, height), Image.BICUBIC))
    gate = detail_gate(base.unsqueeze(0))[0]
    return (base.permute(1, 2, 0).reshape(-1, 3) - 0.5) / 0.5, gate.permute(1, 2, 0).reshape(-1, 1)


def pixels(image):
    """An image's RGB pixels in [0, 1], [H*W, 3] in row-major order (the order of make_coord)."""
    return to_tensor(image).permute(1, 2, 0).reshape(-1, 3)


FASHION = "/usr/share/datasets/fashion-mnist/"


def read_fashion(split):
    """Fashion-MNIST images of a split (Debian's dataset-fashion-mnist), [n, 28, 28] uint8."""
    prefix = "t10k" if split == "test" else "train"
    with gzip.open(FASHION + prefix + "-images-idx3-ubyte.gz") as f:
        _, n, rows, cols = struct.unpack(">IIII", f.read(16))
        return np.frombuffer(f.read(n * rows * cols), dtype=np.uint8).reshape(n, rows, cols)


def fashion_batch(images, batch):
    """Whole 28x28 images as HR, one scale per batch (LR sizes must match), every HR pixel a query."""
    side = images.shape[1]
    lr_side = max(1, round(side / random.uniform(1, 4)))
    coord = make_coord(side, side, torch.device("cpu"))
    lrs, gts, bases, gates = [], [], [], []
    for index in np.random.randint(0, len(images), batch):
        hr = Image.fromarray(images[index]).convert("RGB")
        if random.random() < 0.5:
            hr = hr.transpose(Image.FLIP_LEFT_RIGHT)
        lr = hr.resize((lr_side, lr_side), Image.BICUBIC)
        lrs.append(to_tensor(lr))
        gts.append((pixels(hr) - 0.5) / 0.5)
        base, gate = base_and_gate(lr, side, side)
        bases.append(base)
        gates.append(gate)
    cells = torch.ones(batch, side * side, 2) * (2.0 / side)
    return (torch.stack(lrs), coord.unsqueeze(0).expand(batch, -1, -1), cells, torch.stack(gts), torch.stack(bases),
            torch.stack(gates))


def super_resolve(model, lrs, width, height):
    """The exported upscaler's output for Pillow LR images, [N,3,H,W] in [0,1] (a residual one gets its bases)."""
    module = upscaler(model).eval()
    batch = torch.stack([to_tensor(lr) for lr in lrs])
    size = torch.tensor([height, width])
    with torch.no_grad():
        if model.residual:
            bases = torch.stack([to_tensor(lr.resize((width, height), Image.BICUBIC)) for lr in lrs])
            return module(batch, size, bases)
        return module(batch, size)


def evaluate_fashion(model, images, scales=(2, 4)):
    """PSNR of LIIF and of bicubic on Fashion-MNIST test images: 28 -> 28/scale -> 28, whole image."""
    results = {}
    for scale in scales:
        side = images.shape[1]
        hrs = [Image.fromarray(image).convert("RGB") for image in images]
        lrs = [hr.resize((side // scale, side // scale), Image.BICUBIC) for hr in hrs]
        srs = super_resolve(model, lrs, side, side)
        liif_scores, bicubic_scores = [], []
        for hr, lr, sr in zip(hrs, lrs, srs):
            truth = to_tensor(hr)
            liif_scores.append(psnr(sr, truth, 0))
            bicubic_scores.append(psnr(to_tensor(lr.resize((side, side), Image.BICUBIC)), truth, 0))
        results["x%d" % scale] = {"liif": float(np.mean(liif_scores)), "bicubic": float(np.mean(bicubic_scores))}
    return results


def psnr(a, b, shave):
    diff = (a - b)[:, shave:a.shape[1] - shave, shave:a.shape[2] - shave]
    return 10 * math.log10(1.0 / max(diff.pow(2).mean().item(), 1e-10))


def probe(model, photos, scales=(2, 4)):
    """Quick progress figure: mean PSNR gain over bicubic on 96x96 centre crops of the held-out photos."""
    crops = [p.crop(((p.width - 96) // 2, (p.height - 96) // 2, (p.width + 96) // 2, (p.height + 96) // 2))
             for p in photos]
    return {key: round(v["liif"] - v["bicubic"], 3) for key, v in evaluate(model, crops, scales).items()}


def evaluate(model, photos, scales=(2, 3, 4)):
    """PSNR of LIIF and of bicubic against the held-out photos, per scale."""
    results = {}
    for scale in scales:
        liif_scores, bicubic_scores = [], []
        for photo in photos:
            w, h = photo.width - photo.width % scale, photo.height - photo.height % scale
            hr = photo.crop((0, 0, w, h))
            lr = hr.resize((w // scale, h // scale), Image.BICUBIC)
            bicubic = to_tensor(lr.resize((w, h), Image.BICUBIC))
            sr = super_resolve(model, [lr], w, h)[0]
            truth = to_tensor(hr)
            liif_scores.append(psnr(sr, truth, scale + 6))
            bicubic_scores.append(psnr(bicubic.clamp(0, 1), truth, scale + 6))
        results["x%d" % scale] = {"liif": float(np.mean(liif_scores)), "bicubic": float(np.mean(bicubic_scores))}
    return results


def update_average(average, model, decay):
    """average <- decay * average + (1 - decay) * model, parameters and buffers alike."""
    with torch.no_grad():
        for kept, current in zip(average.state_dict().values(), model.state_dict().values()):
            kept.mul_(decay).add_(current, alpha=1 - decay)


def initial_weights(path, device):
    """Model weights from a training checkpoint or from an exported TorchScript upscaler (its 'liif.' sub-module)."""
    if path.endswith(".pt"):
        scripted = torch.jit.load(path, map_location=device)
        return {k[len("liif."):]: v for k, v in scripted.state_dict().items() if k.startswith("liif.")}
    state = torch.load(path, map_location=device)
    return state.get("ema", state["model"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="demo-models/src/main/resources/models/lr0-liif/liif.pt")
    parser.add_argument("--minutes", type=float, default=60, help="training time budget")
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: time budget only)")
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--lr", type=float, default=1e-4, help="Adam learning rate (the paper's 1e-4, halved in "
                        "its later epochs: resume with --lr 5e-5 for that phase)")
    parser.add_argument("--queries", type=int, default=1152, help="HR query points sampled per patch")
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--probe-every", type=int, default=250)
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint next to --out")
    parser.add_argument("--data", choices=["photos", "fashion-mnist"], default="photos")
    parser.add_argument("--init", help="start from these weights: a .ckpt of this script, or an exported liif.pt "
                        "(e.g. the bundled one, to continue its training)")
    parser.add_argument("--ema", type=float, default=0.999, help="decay of the weight average that is evaluated and "
                        "exported (0: the raw weights)")
    parser.add_argument("--residual", action="store_true", help="train a liif-residual model: the network corrects "
                        "the stream's bicubic up-sampling (zero at the start) instead of producing every pixel")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    if args.data == "photos":
        data = skimage_data()
        walls, wall_names = wallpapers()
        train, held_out = load(data, TRAIN) + walls, load(data, HELD_OUT)
        print("%d training photos, %d held out, device %s" % (len(train), len(held_out), args.device), flush=True)
        next_batch = lambda: sample_batch(train, args.batch, queries=args.queries)  # noqa: E731
        report = lambda m: evaluate(m, held_out)  # noqa: E731
        quick = lambda m: probe(m, held_out)  # noqa: E731
        provenance = {"trainPhotos": TRAIN + wall_names, "heldOutPhotos": HELD_OUT}
    else:
        train, test = read_fashion("train"), read_fashion("test")[:1000]
        print("Fashion-MNIST: %d train images, %d test images for PSNR" % (len(train), len(test)), flush=True)
        next_batch = lambda: fashion_batch(train, args.batch)  # noqa: E731
        report = lambda m: evaluate_fashion(m, test)  # noqa: E731
        quick = lambda m: {  # noqa: E731
            k: round(v["liif"] - v["bicubic"], 3) for k, v in evaluate_fashion(m, test[:200]).items()}
        provenance = {"train": "Fashion-MNIST train split (60,000)", "test": "first 1,000 of the test split"}
    model = Liif(residual=args.residual).to(args.device)
    if args.init:
        model.load_state_dict(initial_weights(args.init, args.device))
        if args.residual and kind_of(args.init) != RESIDUAL:
            # From a plain model: its encoder and MLP, but no correction yet, so training starts at bicubic.
            torch.nn.init.zeros_(model.imnet.layers[-1].weight)
            torch.nn.init.zeros_(model.imnet.layers[-1].bias)
        print("initialised from %s" % args.init, flush=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    average = copy.deepcopy(model).eval()
    checkpoint = os.path.splitext(args.out)[0] + ".ckpt"
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    step, spent = 0, 0.0
    if args.resume:
        state = torch.load(checkpoint, map_location=args.device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        average.load_state_dict(state.get("ema", state["model"]))
        for group in optimizer.param_groups:
            group["lr"] = args.lr
        step, spent = state["step"], state["seconds"]
        print("resumed at step %d (%.0f s trained)" % (step, spent), flush=True)
    started = time.time() - spent
    while (args.steps == 0 or step < args.steps) and time.time() - started < args.minutes * 60:
        lr, coord, cell, gt, base, gate = (t.to(args.device) for t in next_batch())
        prediction = model(lr, coord, cell)
        # A residual model's output, as exported: the base plus the correction its detail gate lets through.
        loss = F.l1_loss(base + gate * prediction if args.residual else prediction, gt)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        update_average(average, model, args.ema)
        step += 1
        if step % 50 == 0:
            print("step %d loss %.4f (%.0f s)" % (step, loss.item(), time.time() - started), flush=True)
        if step % args.checkpoint_every == 0:
            torch.save({"model": model.state_dict(), "ema": average.state_dict(),
                        "optimizer": optimizer.state_dict(), "step": step,
                        "seconds": time.time() - started}, checkpoint)
        if step % args.probe_every == 0:
            print("step %d probe gain over bicubic (dB): %s" % (step, quick(average)), flush=True)
    model = average.cpu()
    results = report(model)
    print(json.dumps(results, indent=2))
    export(model, args.out)
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump({"kind": model.kind(), "steps": step, "lr": args.lr, "seconds": round(time.time() - started),
                   "batch": args.batch,
                   "queriesPerPatch": args.queries, "ema": args.ema, "seed": args.seed,
                   "data": args.data, "init": args.init, "psnr": results, **provenance,
                   "command": " ".join(sys.argv), "torch": torch.__version__}, f, indent=2)
    print("exported %s after %d steps" % (args.out, step))


if __name__ == "__main__":
    main()
