#!/bin/bash
# The LIIF fine-tuning study in one command (docs/benchmarks.md, "LIIF before fine-tuning"): fine-tune the demo model
# on Fashion-MNIST training images at native size and, separately, up-scaled x2 by LIIF (tools/demo_clip/liif_study.py),
# then classify the first LIMIT test images through the stream with each model: `./lr0 demo` prints top-1 per
# resolution and super-resolution method. Needs Debian's python3-torch and dataset-fashion-mnist (the demo reads the
# test split from it; without it, from the bundled 1,000-image sample), and a built lr0.
#
#   tools/demo_clip/liif_study.sh [OUT_DIR] [liif_study.py options, e.g. --images 10000 --epochs 25]
set -euo pipefail
OUT=${1:-/tmp/liif-study}
LIMIT=${LIMIT:-2000}
cd "$(dirname "$0")/../.."
/usr/bin/python3 -m tools.demo_clip.liif_study --out "$OUT" "${@:2}"
for arm in native liif2x; do
  echo "== test split through the stream, model fine-tuned on the $arm images"
  ./lr0 demo --reset --data-dir "$OUT/stream-$arm" --limit "$LIMIT" --grouped-per-class 0 --exit-when-done \
    --rate 0 --max-in-flight 0 --dashboard-port 0 --timeout PT30M --set inference.model="$OUT/$arm" \
    2> "$OUT/stream-$arm.log" | tee "$OUT/$arm.txt"
done
