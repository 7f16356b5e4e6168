"""tools/liif/eval_photos.py on two photos: PSNR and SSIM against bicubic per scale, and the flat-colour check."""
import os
import shutil

from tools.run_module import ROOT, run_module


def test_it_reports_every_scale_and_the_flat_colour_check(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("chelsea.png", "coffee.png"):
        shutil.copy(os.path.join(ROOT, "streams-app", "src", "test", "resources", "pillow", name), photos)
    report = run_module("tools.liif.eval_photos", photos, "--crop", "96", "--scales", "2,3")
    assert any(line.startswith("x3 ") for line in report.splitlines()), report
    assert "largest deviation" in report, report
