#!/usr/bin/env bash
# Every test of lr0, on a fresh Debian machine with a JDK 17: installs the Debian packages the tests need
# (tools/test-requirements.tsv) as root or through sudo, or names the apt-get line and stops; then the Python tools'
# self-tests and ./mvnw -B verify (unit, topology, and integration tests on a real embedded broker). About 20 minutes
# on 2 vCPUs; .ci/run runs this same script.
#   tools/test.sh                 everything
#   tools/test.sh --check         only say what is missing (exit 1 if anything is)
#   tools/test.sh -- ARGS         pass ARGS to ./mvnw -B verify (e.g. -- -Dit.test=PipelineIT)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v javac >/dev/null || {
  echo "tools/test.sh: no JDK here; install one: sudo apt-get install -y openjdk-17-jdk-headless" >&2; exit 1; }

missing=()
while IFS=$'\t' read -r package check _; do
  case "$package" in ''|'#'*) continue ;; esac
  bash -c "$check" >/dev/null 2>&1 || missing+=("$package")
done < tools/test-requirements.tsv

if [ ${#missing[@]} -gt 0 ]; then
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "${1:-}" = "--check" ]; then
    echo "tools/test.sh: missing ${missing[*]}: sudo $line" >&2; exit 1
  elif [ "$(id -u)" = 0 ]; then
    echo "tools/test.sh: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive $line -qq >/dev/null
  elif sudo -n true 2>/dev/null; then
    echo "tools/test.sh: installing ${missing[*]} (sudo)"
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive $line -qq >/dev/null
  else
    echo "tools/test.sh: the tests need Debian packages that are not installed, and this user cannot install them." >&2
    echo "Install them, then run tools/test.sh again: sudo $line" >&2
    exit 1
  fi
fi
if [ "${1:-}" = "--check" ]; then echo "tools/test.sh: everything the tests need is here"; exit 0; fi
[ "${1:-}" = "--" ] && shift

echo "tests: tools/liif self-test (converter on a synthetic official checkpoint, TorchScript = eager)"
/usr/bin/python3 tools/liif/selftest.py

echo "tests: tools/clip self-test (converters on random checkpoints in each layout, TorchScript = eager, tokenizer)"
/usr/bin/python3 tools/clip/selftest.py

echo "tests: tools/liif/eval_photos.py on two photos: PSNR and SSIM against bicubic per scale, the flat-colour check"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/photos"
cp streams-app/src/test/resources/pillow/chelsea.png streams-app/src/test/resources/pillow/coffee.png "$work/photos"
/usr/bin/python3 tools/liif/eval_photos.py "$work/photos" --crop 96 --scales 2,3 > "$work/report.txt"
grep -q '^x3 ' "$work/report.txt" && grep -q 'largest deviation' "$work/report.txt"

echo "tests: tools/gpu kit on the CPU (tiny CLIP, a few LIIF steps on synthetic images): it runs, reports and exports"
/usr/bin/python3 tools/gpu/kit.py --tiny --synthetic --liif-steps 5 --batch 2 --queries 256 --out "$work/kit" >/dev/null
test -s "$work/kit/report.json" && test -s "$work/kit/liif.pt"
grep -q '"kind": "liif-residual"' "$work/kit/liif.json" && grep -q '"fp32 steps/s"' "$work/kit/report.json"
grep -q '"image bf16 batch 4 (images/s)"' "$work/kit/report.json"

echo "tests: tools/demo_clip/liif_study.py on 64 images for one epoch: both arms fine-tune and export"
/usr/bin/python3 tools/demo_clip/liif_study.py --out "$work/study" --images 64 --epochs 1 --batch 32 >/dev/null
test -s "$work/study/native/model.pt" && test -s "$work/study/liif2x/model.pt"
grep -q '"fineTunedFrom": "lr0-demo-fmnist"' "$work/study/liif2x/model.json"

echo "tests: tools/estimate/compare.py on synthetic predictions: every estimator on a held-out source"
/usr/bin/python3 - "$work/predictions.jsonl" <<'PY'
import json, random, sys
random.seed(1)
with open(sys.argv[1], "w") as out:
    for i in range(400):
        score = random.random()
        out.write(json.dumps({"value": {
            "model": "m", "dataset": "d", "resolution": 7, "srMethod": "bicubic", "group": None,
            "source": "dataset:cal" if i % 2 else "dataset:held", "predicted": "a",
            "topK": [{"label": "a", "score": score}], "correct": random.random() < score, "entropy": 1 - score}}) + "\n")
PY
/usr/bin/python3 tools/estimate/compare.py "$work/predictions.jsonl" --calibrate dataset:cal > "$work/estimators.txt"
grep -q '^dataset:held (labels withheld)' "$work/estimators.txt"
grep -q '^largest error (points): ATC [0-9.]*, ATC-200 ' "$work/estimators.txt"

echo "tests: ./mvnw -B verify (unit, topology and integration tests)"
./mvnw -B -ntp verify "$@"
