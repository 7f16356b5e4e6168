#!/usr/bin/python3
"""Accuracy estimators side by side on predictions that went through the stream: why lr0 estimates with ATC.

Reads the JSON lines `./lr0 consume predictions --from-beginning` prints. The labelled predictions of the
calibrating sources (SOURCE or SOURCE#GROUP) calibrate, per (model, dataset, resolution, method); every other
labelled source and group is estimated as if it had no labels, and its measured top-1 is the check. Per cell:

  ATC      average thresholded confidence (Garg et al., ICLR 2022) on the top-1 score, exact: lr0's method
  ATC-200  the same from 200-bin histograms, scores even within a bin: what lr0 computes in the stream
  ATC-NE   ATC on the negative entropy instead of the top-1 score
  AC       the mean top-1 score, uncalibrated
  DoC      AC corrected by the calibration's gap between mean score and accuracy

Prints a table per estimated source, each followed by every estimator's largest error in points:
  largest error (points): ATC x.xx, ATC-200 x.xx, ...

  /usr/bin/python3 -m tools.estimate.compare PREDICTIONS.jsonl --calibrate dataset:fashion-mnist-calibration
"""
import argparse
import collections
import json

BINS = 200


def top_score(prediction):
    return next((s["score"] for s in prediction["topK"] if s["label"] == prediction["predicted"]), 0.0)


def atc(calibration, target, score):
    """Share of target scores above the calibration score t that as many calibration predictions exceed as were
    right."""
    scores = sorted((score(p) for p in calibration), reverse=True)
    correct = sum(p["correct"] for p in calibration)
    if correct == 0:
        return 0.0
    threshold = scores[correct - 1]
    return sum(score(p) >= threshold for p in target) / len(target)


def histogram(predictions):
    counts = [0] * BINS
    for p in predictions:
        counts[max(0, min(BINS - 1, int(top_score(p) * BINS)))] += 1
    return counts


def atc_binned(calibration, target):
    """lr0's Estimation.threshold and shareAbove."""
    counts, correct = histogram(calibration), sum(p["correct"] for p in calibration)
    threshold, above = 1.0, 0
    if correct > 0:
        for b in range(BINS - 1, -1, -1):
            if counts[b] > 0 and above + counts[b] >= correct:
                threshold = (b + 1 - (correct - above) / counts[b]) / BINS
                break
            above += counts[b]
    estimate = 0.0
    for b, n in enumerate(histogram(target)):
        low, high = b / BINS, (b + 1) / BINS
        estimate += n if low >= threshold else n * (high - threshold) * BINS if high > threshold else 0
    return estimate / len(target)


def mean_score(predictions):
    return sum(top_score(p) for p in predictions) / len(predictions)


def accuracy(predictions):
    return sum(p["correct"] for p in predictions) / len(predictions)


ESTIMATORS = {
    "ATC": lambda cal, tgt: atc(cal, tgt, top_score),
    "ATC-200": atc_binned,
    "ATC-NE": lambda cal, tgt: atc(cal, tgt, lambda p: -(p.get("entropy") or 0.0)),
    "AC": lambda cal, tgt: mean_score(tgt),
    "DoC": lambda cal, tgt: mean_score(tgt) - (mean_score(cal) - accuracy(cal)),
}


def unit(p):
    source = p.get("source") or p["dataset"]
    return source if p.get("group") is None else source + "#" + p["group"]


def cell(p):
    return p["model"], p["dataset"], p["resolution"], p["srMethod"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("predictions")
    parser.add_argument("--calibrate", action="append", required=True, help="SOURCE or SOURCE#GROUP (repeatable)")
    args = parser.parse_args()
    labelled = []
    with open(args.predictions) as f:
        for line in f:
            value = json.loads(line).get("value")
            if value and value.get("correct") is not None:
                labelled.append(value)

    def calibrates(p):
        return (p.get("source") or p["dataset"]) in args.calibrate or unit(p) in args.calibrate

    calibration = collections.defaultdict(list)
    targets = collections.defaultdict(lambda: collections.defaultdict(list))
    for p in labelled:
        if calibrates(p):
            calibration[cell(p)].append(p)
        else:
            targets[unit(p)][cell(p)].append(p)
    for name in sorted(targets):
        largest = collections.defaultdict(float)
        rows = []
        for key in sorted(targets[name], key=lambda k: (k[0], k[1], k[3], k[2] or 0)):
            if key not in calibration:
                continue
            target = targets[name][key]
            measured = accuracy(target)
            row = "%-50s %6d %8.2f" % ("%s / %s / %s / %s" % (key[0], key[1], key[2] or "native", key[3]),
                                       len(target), 100 * measured)
            for estimator, estimate in ESTIMATORS.items():
                value = estimate(calibration[key], target)
                largest[estimator] = max(largest[estimator], abs(value - measured))
                row += " %8.2f" % (100 * value)
            rows.append(row)
        if not rows:
            continue
        print("%s (labels withheld), top-1 in %%:" % name)
        print("%-50s %6s %8s" % ("model / dataset / resolution / method", "n", "measured")
              + "".join(" %8s" % e for e in ESTIMATORS))
        print("\n".join(rows))
        print("largest error (points): " + ", ".join("%s %.2f" % (e, 100 * largest[e]) for e in ESTIMATORS))
        print()


if __name__ == "__main__":
    main()
