#!/usr/bin/python3
"""Train LR-TK0 tokens (LR0.FM, arXiv 2502.03950) for a CLIP ViT in lr0's model format, without labels.

The paper's recipe, from its code (open_clip_train_local: train_SS_MS, SyntheticDataset_LR): every weight of the CLIP
is frozen; the trained parameters are the robustness tokens (tools/clip/clip.py, lrtk0=True) and a new temperature.
Teacher: the frozen model without tokens on the high-resolution image. Students: the model with tokens on the same
image and on three low-resolution copies, one random side from each band (16-31, 32-63, 64-127 px at 224-px input;
scaled to the model's input size), made with Pillow's bicubic down and back up. Loss: CLIP's symmetric contrastive
loss between the teacher's embeddings and each student's (the other images of the batch are the negatives), summed
over the four students. AdamW, learning rate 1e-3, weight decay 0.1, as the paper (which used batch 128 and 30 epochs
over synthetic diffusion images; no trained tokens are published).

Images: any folders (searched recursively; jpg, png, webp, bmp), no labels, each made the model's input as the
stream makes it (Pillow bicubic to the input size on the short side, centre crop).

  /usr/bin/python3 -m tools.clip.lrtk0 MODEL_DIR IMAGES_DIR... --out OUT_DIR [--minutes 60] [--steps N] [--resume]

MODEL_DIR: a CLIP ViT in lr0's model format (tools/clip/convert.py's output: model.pt, model.json, tokenizer.json).
OUT_DIR gets the same format, tokens included (to the stream just another model, named NAME-lrtk0), and a
checkpoint (lrtk0.ckpt: tokens, temperature, optimiser, step) that --resume continues from.
"""
import argparse
import copy
import glob
import json
import math
import os
import random
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from tools.clip.checkpoints import UnsupportedCheckpoint, config_of, openai_state_dict
from tools.clip.clip import Clip
from tools.clip.convert import sha256

# LR0.FM's bands of low-resolution sides, at its 224-px input: one side is drawn from each per image.
BANDS_AT_224 = [(16, 32), (32, 64), (64, 128)]
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")


def bands(input_size):
    """The paper's bands scaled to the model's input size, each at least one pixel wide and at least 2 px."""
    scaled = []
    for low, high in BANDS_AT_224:
        low_px = max(2, round(low * input_size / 224))
        scaled.append((low_px, max(low_px + 1, round(high * input_size / 224))))
    return scaled


def models(model_dir, device):
    """(teacher, student): the frozen base model without tokens, and the same weights with fresh tokens, of which
    only the tokens train. A model outside lr0's CLIP architecture is refused, saying so."""
    for required in ("model.json", "model.pt", "tokenizer.json"):
        if not os.path.isfile(os.path.join(model_dir, required)):
            raise SystemExit("%s has no %s: not a model in lr0's format" % (model_dir, required))
    with open(os.path.join(model_dir, "model.json")) as f:
        meta = json.load(f)
    try:
        state, _ = openai_state_dict(dict(torch.jit.load(os.path.join(model_dir, "model.pt"), "cpu").state_dict()))
        config = config_of(state, meta.get("name", os.path.basename(model_dir)),
                           meta.get("architecture", {}).get("activation", "quick_gelu"))
    except (KeyError, UnsupportedCheckpoint) as e:
        raise SystemExit("%s is not a CLIP ViT in lr0's format (tools/clip/convert.py's output): %s" % (model_dir, e))
    base = {k: v for k, v in state.items() if "lrtk0" not in k}
    teacher = Clip(config)
    teacher.load_state_dict(base)
    student = Clip(config, lrtk0=True)
    missing, _ = student.load_state_dict(base, strict=False)
    assert sorted(missing) == ["visual.lrtk0_block_tokens", "visual.lrtk0_patch_tokens"], missing
    for parameter in teacher.parameters():
        parameter.requires_grad = False
    for name, parameter in student.named_parameters():
        parameter.requires_grad = "lrtk0" in name
    return teacher.eval().to(device), student.eval().to(device), meta, config


def image_files(folders):
    files = []
    for folder in folders:
        files += [p for p in glob.glob(os.path.join(folder, "**", "*"), recursive=True)
                  if p.lower().endswith(IMAGE_TYPES)]
    return sorted(files)


def model_input(image, size):
    """The stream's pre-processing up to the pixels: Pillow bicubic to `size` on the short side, centre crop."""
    image = image.convert("RGB")
    scale = size / min(image.size)
    if image.width != image.height or image.width != size:
        width, height = max(size, round(image.width * scale)), max(size, round(image.height * scale))
        image = image.resize((width, height), Image.BICUBIC)
        left, top = (image.width - size) // 2, (image.height - size) // 2
        image = image.crop((left, top, left + size, top + size))
    return image


def normalised(images, meta):
    """Pillow images -> the model's input tensor [N, 3, S, S], normalised with the model's mean and std."""
    batch = torch.from_numpy(np.stack([np.asarray(i, dtype=np.float32) / 255.0 for i in images])).permute(0, 3, 1, 2)
    mean = torch.tensor(meta["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(meta["std"]).view(1, 3, 1, 1)
    return (batch - mean) / std


def views(images, size, side_bands):
    """The high-resolution images and, per band, a copy down to a random side of that band and back up."""
    copies = [images]
    for low, high in side_bands:
        copies.append([i.resize((side, side), Image.BICUBIC).resize((size, size), Image.BICUBIC)
                       for i, side in ((i, random.randrange(low, high)) for i in images)])
    return copies


def contrastive(student, teacher, log_temperature):
    """CLIP's symmetric loss between two sets of embeddings of the same images (row i of each is image i)."""
    logits = log_temperature.exp() * F.normalize(student, dim=-1) @ F.normalize(teacher, dim=-1).t()
    target = torch.arange(logits.shape[0], device=logits.device)
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target)) / 2


def anchor(student, teacher):
    """1 - cosine between the tokenised model's and the frozen model's embeddings of the same images, averaged. The
    contrastive loss only asks each student embedding to be nearer its own teacher embedding than the batch's others,
    so the high-resolution embedding may drift off the frozen text embeddings it is compared with at inference (the
    demo's native top-1 fell 2.7 points); this term holds it there."""
    return (1 - F.cosine_similarity(student, teacher, dim=-1)).mean()


def export(student, meta, model_dir, out_dir, provenance):
    """OUT_DIR in lr0's model format: the model with its tokens, the base's tokenizer, and a model.json saying whose
    tokens they are and what they were trained on."""
    os.makedirs(out_dir, exist_ok=True)
    torch.jit.script(copy.deepcopy(student).cpu().eval()).save(os.path.join(out_dir, "model.pt"))
    shutil.copyfile(os.path.join(model_dir, "tokenizer.json"), os.path.join(out_dir, "tokenizer.json"))
    out = dict(meta)
    out["name"] = meta.get("name", os.path.basename(os.path.normpath(model_dir))) + "-lrtk0"
    out["description"] = "%s with LR-TK0 robustness tokens (LR0.FM) trained by tools/clip/lrtk0.py" % meta.get("name")
    out["parameters"] = sum(p.numel() for p in student.parameters())
    out["lrtk0"] = provenance
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(out, f, indent=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir")
    parser.add_argument("images", nargs="+", help="folders of unlabelled images")
    parser.add_argument("--out", required=True)
    parser.add_argument("--minutes", type=float, default=60, help="training time budget")
    parser.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: time budget only)")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3, help="AdamW learning rate (also on --resume)")
    parser.add_argument("--weight-decay", type=float, default=0.1)
    parser.add_argument("--hr-anchor", type=float, default=0.0,
                        help="weight of a term keeping the tokenised model's embedding of the high-resolution image on "
                             "the frozen model's (1 - cosine); 0: the paper's loss alone")
    parser.add_argument("--max-images", type=int, default=50000, help="images read into memory at most")
    parser.add_argument("--checkpoint-every", type=int, default=50)
    parser.add_argument("--resume", action="store_true", help="continue from OUT/lrtk0.ckpt")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    teacher, student, meta, config = models(args.model_dir, args.device)
    size = config.image_size
    files = image_files(args.images)[:args.max_images]
    if len(files) < 2:
        raise SystemExit("LR-TK0 needs at least two images (the others of a batch are its negatives); found %d under "
                         "%s" % (len(files), ", ".join(args.images)))
    images = [model_input(Image.open(p), size) for p in files]
    side_bands = bands(size)
    print("%d images at %d px, bands %s, device %s" % (len(images), size, side_bands, args.device), flush=True)
    # The new temperature starts at CLIP's initial 1/0.07, as open_clip's init_logit_scale.
    log_temperature = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07), device=args.device))
    tokens = [p for p in student.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(tokens + [log_temperature], lr=args.lr, weight_decay=args.weight_decay)
    checkpoint = os.path.join(args.out, "lrtk0.ckpt")
    step, spent = 0, 0.0
    if args.resume:
        state = torch.load(checkpoint, map_location=args.device)
        student.visual.lrtk0_patch_tokens.data.copy_(state["patch"])
        student.visual.lrtk0_block_tokens.data.copy_(state["blocks"])
        log_temperature.data.copy_(state["temperature"])
        optimizer.load_state_dict(state["optimizer"])
        for group in optimizer.param_groups:
            # A resumed run may go on at another rate (lower, to settle).
            group["lr"] = args.lr
        step, spent = state["step"], state["seconds"]
        print("resumed at step %d (%.0f s trained)" % (step, spent), flush=True)
    os.makedirs(args.out, exist_ok=True)
    started = time.time() - spent
    batch = min(args.batch, len(images))
    while (args.steps == 0 or step < args.steps) and time.time() - started < args.minutes * 60:
        chosen = random.sample(images, batch)
        with torch.no_grad():
            target = teacher.get_image_features(normalised(chosen, meta).to(args.device))
        embeddings = [student.get_image_features(normalised(view, meta).to(args.device))
                      for view in views(chosen, size, side_bands)]
        loss = sum(contrastive(embedding, target, log_temperature) for embedding in embeddings)
        if args.hr_anchor:
            loss = loss + args.hr_anchor * anchor(embeddings[0], target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1
        if step % 10 == 0:
            print("step %d loss %.4f temperature %.2f (%.0f s)" % (
                step, loss.item(), log_temperature.exp().item(), time.time() - started), flush=True)
        if step % args.checkpoint_every == 0:
            torch.save({"patch": student.visual.lrtk0_patch_tokens.data,
                        "blocks": student.visual.lrtk0_block_tokens.data,
                        "temperature": log_temperature.data, "optimizer": optimizer.state_dict(), "step": step,
                        "seconds": time.time() - started}, checkpoint)
    export(student, meta, args.model_dir, args.out, {
        "backbone": meta.get("name"),
        "backboneSha256": sha256(os.path.join(args.model_dir, "model.pt")),
        "inputSize": size,
        "trainedOn": "%d unlabelled images under %s" % (len(images), ", ".join(args.images)),
        "bands": side_bands,
        "steps": step,
        "seconds": round(time.time() - started),
        "batch": batch,
        "lr": args.lr,
        "weightDecay": args.weight_decay,
        "hrAnchor": args.hr_anchor,
        "temperature": round(log_temperature.exp().item(), 3),
        "command": " ".join(sys.argv),
        "torch": torch.__version__,
    })
    print("exported %s after %d steps" % (args.out, step))


if __name__ == "__main__":
    main()
