#!/usr/bin/env bash
# The one command for a lent GPU machine (the device tool runs it in the repository root):
#   run(command="bash tools/gpu/run.sh", carry=["tools/gpu/work"], timeout_s=560)
# after `/usr/bin/python3 -m tools.gpu.prepare` here (it packs the photos into tools/gpu/work, git-ignored).
# About 7 minutes: CLIP timings, an LR-TK0 training step on ViT-B/32, then the residual photo LIIF from the
# bundled weights for LIIF_MINUTES (default 5). What it
# prints goes into docs/benchmarks.md; $OUT/liif.pt comes back, to ship if it beats the bundled weights.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -s tools/gpu/work/photos.npz ]; then
  echo "tools/gpu/work/photos.npz is missing: run /usr/bin/python3 -m tools.gpu.prepare and carry tools/gpu/work" >&2
  exit 2
fi
python3 -m tools.gpu.kit --init demo-models/src/main/resources/models/lr0-liif/liif.pt \
  --liif-minutes "${LIIF_MINUTES:-5}" --out "${OUT:-kit-out}"
