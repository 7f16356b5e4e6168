#!/usr/bin/python3
"""Checks of tools/liif that need no trained weights: the parameter count, the converter on a synthetic checkpoint
in the official layout, and that the exported TorchScript equals the eager model (chunked or not).

  /usr/bin/python3 tools/liif/selftest.py
"""
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from convert_official import convert  # noqa: E402
from liif import Liif, LiifUpscaler, export, make_coord, parameter_count  # noqa: E402


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
    try:
        convert({"model": {"name": "metasr", "args": {}, "sd": {}}})
        raise AssertionError("a non-LIIF checkpoint was accepted")
    except ValueError:
        pass
    print("liif selftest passed: %d parameters, converter exact, TorchScript equals eager (chunked too)" % params)


if __name__ == "__main__":
    main()
