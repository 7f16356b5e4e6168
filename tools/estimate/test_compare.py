"""tools/estimate/compare.py on synthetic predictions: every estimator on a source whose labels are withheld."""
import json
import random
import re

from tools.run_module import run_module


def test_every_estimator_on_a_held_out_source(tmp_path):
    random.seed(1)
    predictions = tmp_path / "predictions.jsonl"
    with open(predictions, "w") as out:
        for i in range(400):
            score = random.random()
            out.write(json.dumps({"value": {
                "model": "m", "dataset": "d", "resolution": 7, "srMethod": "bicubic", "group": None,
                "source": "dataset:cal" if i % 2 else "dataset:held", "predicted": "a",
                "topK": [{"label": "a", "score": score}], "correct": random.random() < score,
                "entropy": 1 - score}}) + "\n")
    report = run_module("tools.estimate.compare", predictions, "--calibrate", "dataset:cal")
    assert re.search(r"^dataset:held \(labels withheld\)", report, re.M), report
    assert re.search(r"^largest error \(points\): ATC [0-9.]*, ATC-200 ", report, re.M), report
