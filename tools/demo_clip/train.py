#!/usr/bin/python3
"""Train lr0's demo dual encoder on Fashion-MNIST and export it in lr0's model contract.

The exported TorchScript module has the methods lr0 (and DJL's hosted CLIP) use:
  get_image_features(pixel_values[N,3,H,W]) -> [N,D]
  get_text_features(input_ids[N,L], attention_mask[N,L]) -> [N,D]
It is a DEMO model, trained contrastively on the Fashion-MNIST train split with caption templates: it classifies
the data it was trained on and is not a zero-shot foundation model.

Run (Debian python3-torch, python3-pil, python3-regex, and libopenblas0-pthread: with Debian's reference BLAS the
text encoder trains 8x slower; about 10 minutes on 2 CPU cores):
  /usr/bin/python3 -m tools.demo_clip.train --out demo-models/src/main/resources/models/lr0-demo-fmnist

--vit trains a small CLIP ViT of lr0's own architecture (tools/clip/clip.py, DEMO_VIT: 32-px input, 8-px patches,
4 blocks of width 128; the causal text tower over CLIP's vocabulary) with the same data, captions and loss, the model
/usr/bin/python3 -m tools.clip.lrtk0 can give LR-TK0 tokens (the CNN cannot have them):
  /usr/bin/python3 -m tools.demo_clip.train --vit --out demo-models/src/main/resources/models/lr0-demo-vit-fmnist
"""
import argparse
import gzip
import json
import os
import random
import shutil
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from tools.clip.clip import Clip, ClipConfig
from tools.demo_clip.clip_bpe import ClipBpe

FASHION = "/usr/share/datasets/fashion-mnist/"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
# Names a caption may use for each class (the first is the dataset's own).
SYNONYMS = {
    "T-shirt/top": ["T-shirt/top", "t-shirt", "top", "tee"],
    "Trouser": ["Trouser", "trousers", "pants"],
    "Pullover": ["Pullover", "sweater", "jumper"],
    "Dress": ["Dress", "dress"],
    "Coat": ["Coat", "jacket", "coat"],
    "Sandal": ["Sandal", "sandals"],
    "Shirt": ["Shirt", "shirt", "button-up shirt"],
    "Sneaker": ["Sneaker", "sneakers", "trainer"],
    "Bag": ["Bag", "handbag", "bag"],
    "Ankle boot": ["Ankle boot", "boot", "ankle boots"],
}
TEMPLATES = [
    "a photo of a {}.", "a photo of the {}.", "a low resolution photo of a {}.", "a black and white photo of a {}.",
    "a grayscale photo of the {}.", "a product photo of a {}.", "a picture of a {}, a type of clothing.",
    "a photo of a {}, an item of fashion.", "a small photo of a {}.", "a cropped photo of the {}.",
    "a centered photo of a {} on a black background.", "a blurry photo of a {}.", "{}.", "an image of a {}.",
    "a catalogue picture of the {}.", "a thumbnail of a {}.",
]
INPUT_SIZE = 32
CONTEXT_LENGTH = 32
EMBED_DIM = 128
# Captions of each class in a training step.
CAPTIONS_PER_CLASS = 6
# The ViT demo: lr0's CLIP architecture at the demo's sizes (a narrow text tower: its vocabulary is CLIP's 49,408).
DEMO_VIT = ClipConfig("lr0-demo-vit-fmnist", image_size=INPUT_SIZE, patch_size=8, vision_width=128, vision_layers=4,
                      embed_dim=EMBED_DIM, context_length=CONTEXT_LENGTH, vocab_size=49408, text_width=64,
                      text_layers=2)


def read_idx(split):
    prefix = "t10k" if split == "test" else "train"
    with gzip.open(FASHION + prefix + "-images-idx3-ubyte.gz") as f:
        _, n, rows, cols = struct.unpack(">IIII", f.read(16))
        images = np.frombuffer(f.read(n * rows * cols), dtype=np.uint8).reshape(n, rows, cols)
    with gzip.open(FASHION + prefix + "-labels-idx1-ubyte.gz") as f:
        f.read(8)
        labels = np.frombuffer(f.read(n), dtype=np.uint8)
    return images, labels


def to_model_input(images):
    """The stream's pre-processing: Pillow bicubic to the input size (short side), gray -> RGB, as uint8."""
    out = np.empty((len(images), INPUT_SIZE, INPUT_SIZE), dtype=np.uint8)
    for i, image in enumerate(images):
        out[i] = np.asarray(Image.fromarray(image).resize((INPUT_SIZE, INPUT_SIZE), Image.BICUBIC))
    return out


class ImageEncoder(nn.Module):
    def __init__(self):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

        self.features = nn.Sequential(block(3, 32), nn.MaxPool2d(2), block(32, 64), block(64, 64), nn.MaxPool2d(2),
                                      block(64, 128), nn.MaxPool2d(2), block(128, 128), nn.AdaptiveAvgPool2d(1))
        self.proj = nn.Linear(128, EMBED_DIM)

    def forward(self, x):
        return self.proj(torch.flatten(self.features(x), 1))


class TextEncoder(nn.Module):
    """A small transformer over a compact vocabulary; `remap` maps CLIP token ids to it (0 = unknown token)."""

    def __init__(self, remap, vocab_size):
        super().__init__()
        self.register_buffer("remap", remap)
        self.token = nn.Embedding(vocab_size, 128)
        self.position = nn.Parameter(torch.zeros(CONTEXT_LENGTH, 128))
        layer = nn.TransformerEncoderLayer(128, 4, 256, dropout=0.0, batch_first=True)
        # No nested-tensor fast path: plain ops keep the TorchScript portable across libtorch versions.
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(128)
        self.proj = nn.Linear(128, EMBED_DIM)

    def forward(self, input_ids, attention_mask):
        length = input_ids.shape[1]
        x = self.token(self.remap[input_ids.clamp(0, self.remap.shape[0] - 1)]) + self.position[:length]
        x = self.encoder(x, src_key_padding_mask=attention_mask == 0)
        # Pool at the end-of-text marker, the largest id in each row (CLIP's convention).
        eot = input_ids.argmax(dim=-1)
        return self.proj(self.norm(x[torch.arange(x.shape[0]), eot]))


class DualEncoder(nn.Module):
    def __init__(self, remap, vocab_size):
        super().__init__()
        self.visual = ImageEncoder()
        self.text = TextEncoder(remap, vocab_size)
        self.logit_scale = nn.Parameter(torch.tensor(np.log(1 / 0.07), dtype=torch.float32))

    @torch.jit.export
    def get_image_features(self, pixel_values):
        return self.visual(pixel_values)

    @torch.jit.export
    def get_text_features(self, input_ids, attention_mask):
        return self.text(input_ids, attention_mask)

    def forward(self, pixel_values, input_ids, attention_mask):
        image = F.normalize(self.get_image_features(pixel_values), dim=-1)
        text = F.normalize(self.get_text_features(input_ids, attention_mask), dim=-1)
        return self.logit_scale.exp() * image @ text.t()


def multi_positive_loss(logits, positives):
    """Cross-entropy towards a uniform distribution over each row's positives (rows without any are skipped)."""
    has = positives.sum(1) > 0
    targets = positives[has] / positives[has].sum(1, keepdim=True)
    return -(targets * F.log_softmax(logits[has], 1)).sum(1).mean()


def captions(tokenizer):
    """All (class, caption) pairs, tokenized."""
    rows = []
    for label, name in enumerate(CLASSES):
        for synonym in SYNONYMS[name]:
            for template in TEMPLATES:
                rows.append((label, template.format(synonym)))
    ids, masks = zip(*(tokenizer.encode_padded(text, CONTEXT_LENGTH) for _, text in rows))
    return torch.tensor([label for label, _ in rows]), torch.tensor(ids), torch.tensor(masks)


def train_step(model, optimizer, schedule, x, y, caption_set, labels_by_class, captions_per_class):
    """One contrastive step on images x of classes y; returns the loss. caption_set = captions()'s (labels, ids,
    masks)."""
    prompt_labels, text_ids, text_masks = caption_set
    # A few captions of every class per step; every caption of an image's class is a positive for it (and every
    # image of its class for a caption): a batch holds many images of each class.
    caption = torch.cat([c[torch.randperm(len(c))[:captions_per_class]] for c in labels_by_class])
    logits = model(x, text_ids[caption], text_masks[caption])
    positives = (y[:, None] == prompt_labels[caption][None, :]).float()
    loss = (multi_positive_loss(logits, positives) + multi_positive_loss(logits.t(), positives.t())) / 2
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    schedule.step()
    with torch.no_grad():
        model.logit_scale.clamp_(0, np.log(100))
    return loss


def zero_shot_accuracy(model, images, labels, text_ids, text_masks, prompt_labels, mean, std, batch=1000):
    model.eval()
    with torch.no_grad():
        text = F.normalize(model.get_text_features(text_ids, text_masks), dim=-1)
        # CLIP's prompt ensemble: mean of the normalised embeddings per class, normalised again.
        classes = F.normalize(torch.stack([text[prompt_labels == c].mean(0) for c in range(len(CLASSES))]), dim=-1)
        correct = 0
        for start in range(0, len(images), batch):
            x = pixels(images[start:start + batch], mean, std)
            logits = F.normalize(model.get_image_features(x), dim=-1) @ classes.t()
            truth = torch.from_numpy(labels[start:start + batch].astype(np.int64))
            correct += (logits.argmax(-1) == truth).sum().item()
    model.train()
    return correct / len(images)


def pixels(gray_uint8, mean, std):
    x = torch.from_numpy(gray_uint8).float().div(255.0).unsqueeze(1).expand(-1, 3, -1, -1)
    return (x - mean) / std


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="default: demo-models/src/main/resources/models/<the model's name>")
    parser.add_argument("--vit", action="store_true", help="train the ViT demo (DEMO_VIT) instead of the CNN")
    parser.add_argument("--lr", type=float, help="peak learning rate (default: 2e-3, the ViT 1e-3)")
    parser.add_argument("--tokenizer", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                            "../../../shared/models/clip-vit-base-patch32-tokenizer"))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--captions-per-class", type=int, default=CAPTIONS_PER_CLASS)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()

    tokenizer = ClipBpe(os.path.join(args.tokenizer, "tokenizer.json"))
    prompt_labels, text_ids, text_masks = captions(tokenizer)
    used = sorted(set(text_ids.flatten().tolist()))
    remap = torch.zeros(len(tokenizer.vocab), dtype=torch.long)
    for compact, token in enumerate(used, start=1):
        remap[token] = compact

    train_images, train_labels = read_idx("train")
    test_images, test_labels = read_idx("test")
    train_x, test_x = to_model_input(train_images), to_model_input(test_images)
    mean = float(train_x.mean() / 255.0)
    std = float(train_x.std() / 255.0)
    print("data ready in %.0f s: %d train, %d test, %d captions, %d distinct tokens, mean %.4f std %.4f"
          % (time.time() - started, len(train_x), len(test_x), len(prompt_labels), len(used), mean, std), flush=True)

    model = Clip(DEMO_VIT) if args.vit else DualEncoder(remap, len(used) + 1)
    name = DEMO_VIT.name if args.vit else "lr0-demo-fmnist"
    out = args.out or os.path.join("demo-models", "src", "main", "resources", "models", name)
    peak = args.lr or (1e-3 if args.vit else 2e-3)
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak, weight_decay=0.05)
    steps = args.epochs * (len(train_x) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=peak, total_steps=steps, pct_start=0.1)
    labels_by_class = [torch.nonzero(prompt_labels == c).flatten() for c in range(len(CLASSES))]
    step = 0
    for epoch in range(args.epochs):
        order = np.random.permutation(len(train_x))
        for start in range(0, len(order) - args.batch + 1, args.batch):
            index = order[start:start + args.batch]
            x = pixels(train_x[index], mean, std)
            # Small shifts so the encoder does not memorise exact pixel positions.
            x = torch.roll(x, shifts=(random.randint(-2, 2), random.randint(-2, 2)), dims=(2, 3))
            y = torch.from_numpy(train_labels[index].astype(np.int64))
            loss = train_step(model, optimizer, schedule, x, y, (prompt_labels, text_ids, text_masks), labels_by_class,
                              args.captions_per_class)
            step += 1
            if step % 100 == 0:
                print("epoch %d step %d/%d loss %.3f (%.0f s)"
                      % (epoch, step, steps, loss.item(), time.time() - started),
                      flush=True)
        accuracy = zero_shot_accuracy(model, test_x, test_labels, text_ids, text_masks, prompt_labels, mean, std)
        print("epoch %d: test top-1 with the training prompts %.4f (%.0f s)" % (epoch, accuracy, time.time() - started),
              flush=True)

    model.eval()
    extra = {}
    if args.vit:
        # Rows of tokens no caption uses never trained: zero, as the CNN's unknown token, and a file that compresses.
        with torch.no_grad():
            unused = torch.ones(DEMO_VIT.vocab_size, dtype=torch.bool)
            unused[torch.tensor(used)] = False
            model.token_embedding.weight[unused] = 0
        extra = {"causalText": True, "architecture": {k: getattr(DEMO_VIT, k) for k in (
            "image_size", "patch_size", "vision_width", "vision_layers", "embed_dim", "context_length", "vocab_size",
            "text_width", "text_layers", "activation")}}
    scripted = torch.jit.script(model)
    os.makedirs(out, exist_ok=True)
    scripted.save(os.path.join(out, "model.pt"))
    shutil.copyfile(os.path.join(args.tokenizer, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump({
            "name": name,
            "description": "DEMO %s trained by lr0 on the Fashion-MNIST train split with caption templates. "
                           "It classifies the data it was trained on: NOT a zero-shot foundation model."
                           % ("CLIP ViT (lr0's architecture, 8-px patches)" if args.vit else "dual encoder"),
            "trainedOn": "Fashion-MNIST train split (60,000 images), %d captions from %d templates x class synonyms"
                         % (len(prompt_labels), len(TEMPLATES)),
            "inputSize": INPUT_SIZE,
            "mean": [mean] * 3,
            "std": [std] * 3,
            "contextLength": CONTEXT_LENGTH,
            "padTokenId": 0,
            "logitScale": float(model.logit_scale.exp().item()),
            "embeddingDim": EMBED_DIM,
            "testTop1WithTrainingPrompts": accuracy,
            "trainingSeconds": round(time.time() - started),
            "trainingCommand": "tools/demo_clip/train.py %s--epochs %d --batch %d --captions-per-class %d --threads %d "
                               "--seed %d" % ("--vit " if args.vit else "", args.epochs, args.batch,
                                              args.captions_per_class, args.threads, args.seed),
            "torch": torch.__version__,
            **extra,
        }, f, indent=2)
    print("exported to %s in %.0f s" % (out, time.time() - started))


if __name__ == "__main__":
    main()
