"""Checks of tools/liif that need no trained weights: the parameter count, the converter on a synthetic checkpoint
in the official layout, that the exported TorchScript equals the eager model (chunked or not), and that a
liif-residual model starts as the bicubic up-sampling it is given, exactly, and gives a flat colour back exactly
whatever its weights.

  /usr/bin/python3 -m pytest -c tools/pyproject.toml tools/liif
"""
import os
import tempfile

import pytest
import torch

from tools.liif.convert_official import convert
from tools.liif.liif import Liif, LiifUpscaler, ResidualLiifUpscaler, export, make_coord, parameter_count


def official_layout(liif):
    """A checkpoint as the official train_liif.py saves it, with its MeanShift constants."""
    sd = dict(liif.state_dict())
    for name in ("sub_mean", "add_mean"):
        sd["encoder.%s.weight" % name] = torch.eye(3).view(3, 3, 1, 1)
        sd["encoder.%s.bias" % name] = torch.zeros(3)
    encoder = {"name": "edsr-baseline", "args": {"no_upsampling": True}}
    imnet = {"name": "mlp", "args": {"out_dim": 3, "hidden_list": [256] * 4}}
    return {"model": {"name": "liif", "args": {"encoder_spec": encoder, "imnet_spec": imnet},
                      "sd": sd}, "epoch": 1000}


def test_the_converter_is_exact_and_torchscript_equals_eager():
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


def test_a_checkpoint_of_another_model_is_refused():
    with pytest.raises(ValueError):
        convert({"model": {"name": "metasr", "args": {}, "sd": {}}})


def test_a_residual_model_starts_as_its_base_and_keeps_a_flat_colour():
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
