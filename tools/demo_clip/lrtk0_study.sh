#!/bin/bash
# LR-TK0 against LIIF on the demo's data, in one command (docs/benchmarks.md, "LR-TK0 and LIIF, live"): train the
# ViT demo model (tools/demo_clip/train.py --vit), train LR-TK0 tokens for it on unlabelled Fashion-MNIST training
# images (tools/clip/lrtk0.py, the paper's recipe), then classify the first LIMIT test images through the stream with
# both models side by side, each with bicubic and LIIF (`./lr0 demo --lrtk0`, after a rebuild: the models are in the
# jar): the four combinations, a table per model. Needs Debian's python3-torch and dataset-fashion-mnist. Writes the
# two models where the jar takes them from (demo-models/src/main/resources/models/).
#
#   tools/demo_clip/lrtk0_study.sh [OUT_DIR]    (EPOCHS, UNLABELLED, MINUTES, ANCHOR, LIMIT in the environment)
# The tokens train as the bundled ones did: the paper's loss plus --hr-anchor 200 (the tokenised model's embedding
# of the high-resolution image held on the frozen model's: docs/models.md), 24 minutes on all 60,000 training images.
set -euo pipefail
OUT=${1:-/tmp/lrtk0-study}
EPOCHS=${EPOCHS:-4}
UNLABELLED=${UNLABELLED:-60000}
MINUTES=${MINUTES:-24}
ANCHOR=${ANCHOR:-200}
LIMIT=${LIMIT:-3000}
cd "$(dirname "$0")/../.."
MODELS=demo-models/src/main/resources/models
mkdir -p "$OUT"
/usr/bin/python3 -m tools.demo_clip.train --vit --epochs "$EPOCHS" --out "$MODELS/lr0-demo-vit-fmnist" | tee "$OUT/vit.log"
/usr/bin/python3 -m tools.demo_clip.fashion_images "$OUT/unlabelled" --split train --count "$UNLABELLED"
/usr/bin/python3 -m tools.clip.lrtk0 "$MODELS/lr0-demo-vit-fmnist" "$OUT/unlabelled" --minutes "$MINUTES" \
  --hr-anchor "$ANCHOR" --max-images "$UNLABELLED" --out "$MODELS/lr0-demo-vit-fmnist-lrtk0" | tee "$OUT/lrtk0.log"
rm -f "$MODELS/lr0-demo-vit-fmnist-lrtk0/lrtk0.ckpt"
./lr0 demo --lrtk0 --reset --data-dir "$OUT/stream" --limit "$LIMIT" --grouped-per-class 0 --exit-when-done \
  --rate 0 --max-in-flight 0 --dashboard-port 0 --timeout PT40M 2> "$OUT/stream.log" | tee "$OUT/table.txt"
