"""The device kit on the CPU (a tiny CLIP, a few LIIF steps on synthetic images): it runs, reports and exports."""
import json

from tools.run_module import run_module


def test_it_runs_reports_and_exports_on_the_cpu(tmp_path):
    out = tmp_path / "kit"
    run_module("tools.gpu.kit", "--tiny", "--synthetic", "--liif-steps", "5", "--batch", "2", "--queries", "256",
               "--out", out)
    report = json.loads((out / "report.json").read_text())
    assert (out / "liif.pt").stat().st_size > 0
    assert json.loads((out / "liif.json").read_text())["kind"] == "liif-residual"
    text = json.dumps(report)
    assert '"fp32 steps/s"' in text and '"image bf16 batch 4 (images/s)"' in text, text
