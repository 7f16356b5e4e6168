"""tools/demo_clip/liif_study.py on 64 images for one epoch: both arms fine-tune and export."""
import json

from tools.run_module import run_module


def test_both_arms_fine_tune_and_export(tmp_path):
    out = tmp_path / "study"
    run_module("tools.demo_clip.liif_study", "--out", out, "--images", "64", "--epochs", "1", "--batch", "32")
    assert (out / "native" / "model.pt").stat().st_size > 0
    assert (out / "liif2x" / "model.pt").stat().st_size > 0
    assert json.loads((out / "liif2x" / "model.json").read_text())["fineTunedFrom"] == "lr0-demo-fmnist"
