#!/usr/bin/python3
"""Checks of tools/liif that need no trained weights: the parameter count, the converter on a synthetic checkpoint
in the official layout, that the exported TorchScript equals the eager model (chunked or not), and that a
liif-residual model starts as the bicubic up-sampling it is given, exactly, and gives a flat colour back exactly
whatever its weights.

  /usr/bin/python3 tools/liif/selftest.py
  /usr/bin/python3 tools/liif/selftest.py --export-residual DIR   # also writes an untrained residual model there
"""
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_official import convert  # noqa: E402
import json  # noqa: E402

from liif import RESIDUAL, Liif, LiifUpscaler, ResidualLiifUpscaler, export, make_coord, parameter_count  # noqa: E402


def official_layout(liif):
    """A checkpoint as the official train_liif.py saves it, with its MeanShift constants."""
    sd = dict(liif.state_dict())
    for name in ("sub_mean", "add_mean"):
        sd["encoder.%s.weight" % name] = torch.eye(3).view(3, 3, 1, 1)
        sd["encoder.%s.bias" % name] = torch.zeros(3)
    return {"model": {"name": "liif", "args": {"encoder_spec": {"name": "edsr-baseline", "args": {"no_upsampling": True}},
                                               "imnet_spec": {"name": "mlp", "args": {"out_dim": 3, "hidden_list": [256] * 4}}},
                      "sd": sd}, "epoch": 1000}


def main():
    torch.manual_seed(0)
    source = Liif().eval()
    params = parameter_count(source)
    assert 1.5e6 < params < 1.65e6, params
    converted = convert(official_layout(source)).eval()
    lr = torch.rand(2, 3, 12, 10)
    coord = make_coord(24, 20, lr.device).unsqueeze(0).expand(2, 480, 2)
    cell = torch.ones_like(coord)
    cell[:, :, 0] *= 2 / 24
    cell[:, :, 1] *= 2 / 20
    with torch.no_grad():
        assert torch.equal(source(lr, coord, cell), converted(lr, coord, cell)), "converter changed the weights"
        eager = (source(lr, coord, cell) * 0.5 + 0.5).clamp(0, 1).view(2, 24, 20, 3).permute(0, 3, 1, 2)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "liif.pt")
            export(converted, path)
            scripted = torch.jit.load(path)
            out = scripted(lr, torch.tensor([24, 20]))
            assert out.shape == (2, 3, 24, 20), out.shape
            assert torch.allclose(out, eager, atol=1e-5), (out - eager).abs().max()
            small_chunks = torch.jit.script(LiifUpscaler(converted, chunk=7))(lr, torch.tensor([24, 20]))
            assert torch.allclose(small_chunks, eager, atol=1e-5), "chunking changed the result"
    check_residual()
    try:
        convert({"model": {"name": "metasr", "args": {}, "sd": {}}})
        raise AssertionError("a non-LIIF checkpoint was accepted")
    except ValueError:
        pass
    print("liif selftest passed: %d parameters, converter exact, TorchScript equals eager (chunked too), "
          "an untrained residual model returns its bicubic base exactly, a trained one a flat colour" % params)


def check_residual():
    """Untrained, a residual model's output is its base exactly; trained (here: a random last layer), TorchScript
    equals eager and a flat colour still comes back exactly."""
    torch.manual_seed(1)
    residual = Liif(residual=True).eval()
    lr = torch.rand(2, 3, 12, 10)
    base = torch.rand(2, 3, 24, 20)
    size = torch.tensor([24, 20])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "liif.pt")
        export(residual, path)
        assert torch.equal(torch.jit.load(path)(lr, size, base), base), "an untrained residual model changed its base"
        torch.nn.init.normal_(residual.imnet.layers[-1].weight, std=0.01)
        with torch.no_grad():
            eager = ResidualLiifUpscaler(residual)(lr, size, base)
        export(residual, path)
        assert torch.allclose(torch.jit.load(path)(lr, size, base), eager, atol=1e-5), "residual TorchScript != eager"
        assert not torch.equal(eager, base)
        # Whatever the weights, a flat colour comes back exactly: its base has no detail to correct.
        flat = torch.tensor([200 / 255, 60 / 255, 30 / 255]).view(1, 3, 1, 1)
        flat_out = torch.jit.load(path)(flat.expand(1, 3, 16, 16), torch.tensor([64, 64]), flat.expand(1, 3, 64, 64))
        assert torch.equal(flat_out, flat.expand(1, 3, 64, 64)), "a residual model changed a flat colour"


def export_untrained_residual(directory):
    """An untrained liif-residual model and its liif.json, for lr0's tests of the residual contract."""
    os.makedirs(directory, exist_ok=True)
    export(Liif(residual=True), os.path.join(directory, "liif.pt"))
    with open(os.path.join(directory, "liif.json"), "w") as f:
        json.dump({"kind": RESIDUAL, "steps": 0, "note": "untrained: returns its bicubic base"}, f)


if __name__ == "__main__":
    main()
    if len(sys.argv) == 3 and sys.argv[1] == "--export-residual":
        export_untrained_residual(sys.argv[2])
