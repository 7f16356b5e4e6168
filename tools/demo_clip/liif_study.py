#!/usr/bin/python3
"""The LIIF fine-tuning study's protocol on what exists here: fine-tune lr0's demo dual encoder on Fashion-MNIST
training images at their native 28 px, and the same fine-tuning on those images up-scaled x2 by LIIF (56 px, the
bundled Fashion-MNIST LIIF weights), then export both models in lr0's model contract, so the stream can classify the
test split at native and every low resolution with each (tools/demo_clip/liif_study.sh runs it all).

The study fine-tuned CLIP for 25 epochs on 10,000 CIFAR-10 training images (LIIF x2 to 64 px against 32 px) and
tested 2,000 test images at 32 px. Here: the same 25 epochs and 10,000 images, the demo model's own contrastive
objective and batch (256), and a learning rate of a tenth of its training peak (2e-4, cosine), since the study's
batch and learning rate are not known here; both arms start from the same weights with the same seed and see the
images in the same order. Each image goes through the stream's pre-processing (Pillow bicubic to the model's 32 px).

  /usr/bin/python3 -m tools.demo_clip.liif_study --out /tmp/liif-study [--images 10000 --epochs 25]
"""
import argparse
import json
import os
import random
import shutil
import time

import numpy as np
import torch

from tools.demo_clip import train as demo  # the demo model and its data
from tools.liif.train import debian_files  # a Debian package's files, as installed or downloaded

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


MODELS = os.path.join(ROOT, "demo-models", "src", "main", "resources", "models")


def load_demo_model():
    """The bundled demo model as a trainable DualEncoder (its TorchScript state), with its mean and std."""
    folder = os.path.join(MODELS, "lr0-demo-fmnist")
    state = torch.jit.load(os.path.join(folder, "model.pt")).state_dict()
    remap = state["text.remap"]
    vocab = state["text.token.weight"].shape[0]
    model = demo.DualEncoder(remap, vocab)
    model.load_state_dict(state)
    with open(os.path.join(folder, "model.json")) as f:
        meta = json.load(f)
    return model, meta


def liif_x2(images, threads):
    """Up-scales gray uint8 images x2 with the bundled Fashion-MNIST LIIF weights (as the stream's LIIF stage)."""
    liif = torch.jit.load(os.path.join(MODELS, "lr0-liif-fmnist", "liif.pt"))
    liif.eval()
    torch.set_num_threads(threads)
    h, w = images.shape[1:]
    out = np.empty((len(images), 2 * h, 2 * w), dtype=np.uint8)
    with torch.no_grad():
        for start in range(0, len(images), 200):
            x = torch.from_numpy(images[start:start + 200]).float().div(255).unsqueeze(1).expand(-1, 3, -1, -1)
            y = liif(x.contiguous(), torch.tensor([2 * h, 2 * w]))
            out[start:start + 200] = (y.mean(1).clamp(0, 1) * 255).round().byte().numpy()
    return out


def fine_tune(model, train_x, train_y, meta, args, name):
    tokenizer = demo.ClipBpe(os.path.join(MODELS, "lr0-demo-fmnist", "tokenizer.json"))
    prompt_labels, text_ids, text_masks = demo.captions(tokenizer)
    mean, std = meta["mean"][0], meta["std"][0]
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    steps = args.epochs * (len(train_x) // args.batch)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    labels_by_class = [torch.nonzero(prompt_labels == c).flatten() for c in range(len(demo.CLASSES))]
    rng = np.random.RandomState(args.seed)
    torch.manual_seed(args.seed)
    started = time.time()
    model.train()
    for epoch in range(args.epochs):
        order = rng.permutation(len(train_x))
        for start in range(0, len(order) - args.batch + 1, args.batch):
            index = order[start:start + args.batch]
            x = demo.pixels(train_x[index], mean, std)
            y = torch.from_numpy(train_y[index].astype(np.int64))
            loss = demo.train_step(model, optimizer, schedule, x, y, (prompt_labels, text_ids, text_masks),
                                   labels_by_class, demo.CAPTIONS_PER_CLASS)
        print("%s: epoch %d/%d loss %.3f (%.0f s)" % (name, epoch + 1, args.epochs, loss.item(), time.time() - started),
              flush=True)
    model.eval()
    return time.time() - started


def export(model, meta, folder, name, description, seconds, args):
    os.makedirs(folder, exist_ok=True)
    torch.jit.script(model).save(os.path.join(folder, "model.pt"))
    shutil.copyfile(os.path.join(MODELS, "lr0-demo-fmnist", "tokenizer.json"), os.path.join(folder, "tokenizer.json"))
    exported = dict(meta)
    exported.update({
        "name": name,
        "description": description,
        "fineTunedFrom": "lr0-demo-fmnist",
        "fineTuning": {"images": args.images, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                       "seed": args.seed, "seconds": round(seconds)},
    })
    for stale in ("testTop1WithTrainingPrompts", "trainingSeconds", "trainingCommand"):
        exported.pop(stale, None)
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(exported, f, indent=2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    demo.FASHION = debian_files("dataset-fashion-mnist", "/usr/share/datasets/fashion-mnist").rstrip("/") + "/"
    images, labels = demo.read_idx("train")
    chosen = np.random.RandomState(args.seed).permutation(len(images))[:args.images]
    images, labels = images[chosen], labels[chosen]

    started = time.time()
    upscaled = liif_x2(images, args.threads)
    print("LIIF x2: %d images 28 -> 56 px in %.0f s" % (len(images), time.time() - started), flush=True)

    arms = [("native", demo.to_model_input(images), "Fashion-MNIST training images at native 28 px"),
            ("liif2x", demo.to_model_input(upscaled), "the same images up-scaled x2 by LIIF (56 px)")]
    for name, train_x, what in arms:
        model, meta = load_demo_model()
        seconds = fine_tune(model, train_x, labels, meta, args, name)
        export(model, meta, os.path.join(args.out, name), "lr0-demo-fmnist-ft-" + name,
               "DEMO dual encoder fine-tuned (LIIF study) on %d of %s; NOT a zero-shot foundation model."
               % (args.images, what), seconds, args)
        print("%s: fine-tuned in %.0f s, exported to %s" % (name, seconds, os.path.join(args.out, name)), flush=True)


if __name__ == "__main__":
    main()
