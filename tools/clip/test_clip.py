"""Checks of tools/clip that need no pretrained weights, on the tiny configuration with random weights:

- an OpenAI-layout state dict and an OpenAI-style TorchScript archive convert, and the exported TorchScript gives
  the eager model's embeddings (within 1e-5);
- the same weights in Hugging Face's layout (separate q/k/v, [out, in] projections), as model.safetensors (read
  without the safetensors package) and as pytorch_model.bin, convert to the same embeddings;
- an OpenCLIP training checkpoint (nested, 'module.' prefixes) converts;
- ResNet CLIPs, SigLIP and unknown checkpoints are refused, saying what they are;
- the shared CLIP tokenizer gives CLIP's ids for 'a photo of a dog.', padded to 77;
- LR-TK0: a model with tokens exports to TorchScript equal to eager, tokens in LR0.FM's names convert and model.json
  says so, and tools/clip/lrtk0.py trains tokens (and resumes) leaving every weight of the base unchanged while the
  embedding of a low-resolution image changes.

  /usr/bin/python3 -m pytest -c tools/pyproject.toml tools/clip
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch
from PIL import Image

from tools.clip.checkpoints import UnsupportedCheckpoint, to_huggingface, write_safetensors
from tools.clip.clip import CONFIGS, Clip
from tools.demo_clip.clip_bpe import ClipBpe
from tools.clip.convert import convert, default_tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

A_PHOTO_OF_A_DOG = [49406, 320, 1125, 539, 320, 1929, 269, 49407]
PROMPTS = ["a photo of a dog.", "a low resolution photo of the cat.", "a blurry photo of a goldfish."]


class ClipConversionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.eager = Clip(CONFIGS["tiny"]).eval()
        # Biases and norms start at zero and one: random ones, so that a misplaced one shows.
        with torch.no_grad():
            for name, parameter in cls.eager.named_parameters():
                if name.endswith("bias") or ".ln" in name or name.startswith("ln"):
                    parameter.add_(0.1 * torch.randn_like(parameter))
        cls.tokenizer = ClipBpe(os.path.join(default_tokenizer(), "tokenizer.json"))
        encoded = [cls.tokenizer.encode_padded(text, 77) for text in PROMPTS]
        cls.ids = torch.tensor([ids for ids, _ in encoded])
        cls.mask = torch.tensor([mask for _, mask in encoded])
        cls.pixels = torch.randn(4, 3, 32, 32)
        cls.dir = tempfile.mkdtemp(prefix="lr0-clip-selftest-")

    def embeddings(self, model):
        with torch.no_grad():
            return model.get_image_features(self.pixels), model.get_text_features(self.ids, self.mask)

    def converted(self, checkpoint, **kwargs):
        out = os.path.join(self.dir, os.path.basename(checkpoint) + "-converted")
        convert(checkpoint, out, **kwargs)
        return self.embeddings(torch.jit.load(os.path.join(out, "model.pt")))

    def assertSameEmbeddings(self, expected, actual):
        for e, a in zip(expected, actual):
            self.assertEqual(e.shape, a.shape)
            self.assertLess((e - a).abs().max().item(), 1e-5)

    def test_openai_state_dict_converts_and_torchscript_equals_eager(self):
        path = os.path.join(self.dir, "openai-state-dict.pt")
        torch.save(self.eager.state_dict(), path)
        self.assertSameEmbeddings(self.embeddings(self.eager), self.converted(path))

    def test_openai_torchscript_archive_converts(self):
        # OpenAI's released files are TorchScript archives carrying the sizes as extra attributes.
        path = os.path.join(self.dir, "openai-archive.pt")
        torch.jit.script(self.eager).save(path)
        self.assertSameEmbeddings(self.embeddings(self.eager), self.converted(path))

    def test_hugging_face_layout_gives_the_same_embeddings(self):
        hf = to_huggingface(self.eager.state_dict())
        self.assertIn("vision_model.encoder.layers.0.self_attn.q_proj.weight", hf)
        safetensors = os.path.join(self.dir, "model.safetensors")
        write_safetensors(hf, safetensors, {"format": "pt"})
        binary = os.path.join(self.dir, "pytorch_model.bin")
        torch.save(hf, binary)
        expected = self.embeddings(self.eager)
        self.assertSameEmbeddings(expected, self.converted(safetensors))
        self.assertSameEmbeddings(expected, self.converted(binary))

    def test_half_precision_safetensors_are_read(self):
        hf = {k: (v.half() if v.is_floating_point() else v) for k, v in to_huggingface(self.eager.state_dict()).items()}
        path = os.path.join(self.dir, "half.safetensors")
        write_safetensors(hf, path)
        image, text = self.converted(path)
        expected_image, expected_text = self.embeddings(self.eager)
        # fp16 weights: close, not equal.
        self.assertLess((image - expected_image).abs().max().item(), 0.05)
        self.assertLess((text - expected_text).abs().max().item(), 0.05)

    def test_an_openclip_training_checkpoint_converts(self):
        path = os.path.join(self.dir, "openclip-epoch_1.pt")
        torch.save({"epoch": 1, "state_dict": {"module." + k: v for k, v in self.eager.state_dict().items()}}, path)
        self.assertSameEmbeddings(self.embeddings(self.eager), self.converted(path))

    def test_other_families_are_refused_saying_what_they_are(self):
        cases = {
            "ResNet": {"visual.layer1.0.conv1.weight": torch.zeros(1), "token_embedding.weight": torch.zeros(1)},
            "SigLIP": {"vision_model.head.probe": torch.zeros(1), "logit_bias": torch.zeros(1)},
            "not a CLIP ViT": {"encoder.weight": torch.zeros(1)},
        }
        for expected, tensors in cases.items():
            path = os.path.join(self.dir, "refused.safetensors")
            write_safetensors(tensors, path)
            with self.assertRaises(UnsupportedCheckpoint) as refused:
                convert(path, os.path.join(self.dir, "refused"))
            self.assertIn(expected, str(refused.exception))

    def test_missing_and_broken_files_are_refused_by_name(self):
        broken = os.path.join(self.dir, "broken.safetensors")
        with open(broken, "wb") as f:
            f.write(b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\": bad")
        for path, expected in ((os.path.join(self.dir, "absent.pt"), "does not exist"),
                               (broken, "does not read as such")):
            with self.assertRaises(UnsupportedCheckpoint) as refused:
                convert(path, os.path.join(self.dir, "refused"))
            self.assertIn(expected, str(refused.exception))

    def test_weights_that_do_not_fit_are_refused(self):
        state = dict(self.eager.state_dict())
        state["visual.extra.weight"] = torch.zeros(3)
        path = os.path.join(self.dir, "extra.pt")
        torch.save(state, path)
        with self.assertRaises(UnsupportedCheckpoint) as refused:
            convert(path, os.path.join(self.dir, "extra"))
        self.assertIn("visual.extra.weight", str(refused.exception))

    def test_the_clip_tokenizer_gives_clips_ids_padded_to_77(self):
        ids, mask = self.tokenizer.encode_padded("a photo of a dog.", 77)
        self.assertEqual(A_PHOTO_OF_A_DOG + [0] * (77 - len(A_PHOTO_OF_A_DOG)), ids)
        self.assertEqual([1] * len(A_PHOTO_OF_A_DOG) + [0] * (77 - len(A_PHOTO_OF_A_DOG)), mask)

    def test_prompts_cut_after_the_longest_give_the_same_embeddings(self):
        # What lr0 does for a model whose model.json says causalText: it pads a batch only to its longest prompt.
        longest = int(self.mask.sum(dim=1).max())
        out = os.path.join(self.dir, "cut-converted")
        path = os.path.join(self.dir, "cut.pt")
        torch.save(self.eager.state_dict(), path)
        convert(path, out)
        scripted = torch.jit.load(os.path.join(out, "model.pt"))
        with torch.no_grad():
            full = scripted.get_text_features(self.ids, self.mask)
            cut = scripted.get_text_features(self.ids[:, :longest], self.mask[:, :longest])
        self.assertLess((full - cut).abs().max().item(), 1e-5)

    def test_text_is_pooled_at_the_end_of_text_token(self):
        # Padding after the end marker changes nothing (causal mask, pooled at the end marker).
        padded_with_eot = self.ids.clone()
        padded_with_eot[padded_with_eot == 0] = 49407
        with torch.no_grad():
            a = self.eager.get_text_features(self.ids, self.mask)
            b = self.eager.get_text_features(padded_with_eot, self.mask)
        self.assertLess((a - b).abs().max().item(), 1e-6)


class Lrtk0Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(1)
        cls.dir = tempfile.mkdtemp(prefix="lr0-lrtk0-selftest-")
        cls.base = Clip(CONFIGS["tiny"]).eval()
        cls.pixels = torch.randn(3, 3, 32, 32)

    def with_tokens(self):
        model = Clip(CONFIGS["tiny"], lrtk0=True).eval()
        missing, _ = model.load_state_dict(self.base.state_dict(), strict=False)
        self.assertEqual(["visual.lrtk0_block_tokens", "visual.lrtk0_patch_tokens"], sorted(missing))
        return model

    def test_tokens_torchscript_equals_eager_and_they_change_the_embedding(self):
        model = self.with_tokens()
        self.assertEqual((2, 1, 16, 64), tuple(model.visual.lrtk0_block_tokens.shape))
        with torch.no_grad():
            eager = model.get_image_features(self.pixels)
            scripted = torch.jit.script(model).get_image_features(self.pixels)
            base = self.base.get_image_features(self.pixels)
        self.assertLess((eager - scripted).abs().max().item(), 1e-5)
        self.assertGreater((eager - base).abs().max().item(), 1e-3)

    def test_tokens_in_lr0fm_names_convert_and_model_json_says_so(self):
        model = self.with_tokens()
        state = {k: v for k, v in model.state_dict().items() if "lrtk0" not in k}
        state["visual.spatial_tokens"] = model.visual.lrtk0_patch_tokens.detach().clone()
        for i, tokens in enumerate(model.visual.lrtk0_block_tokens.detach()):
            state["visual.transformer.blocks_spatial_tokens.%d" % i] = tokens.clone()
        state["logit_scale_hr_lr"] = torch.tensor(4.0)
        path = os.path.join(self.dir, "lr0fm-lrtk0.pt")
        torch.save(state, path)
        out = os.path.join(self.dir, "lr0fm-converted")
        convert(path, out)
        with open(os.path.join(out, "model.json")) as f:
            self.assertEqual(32, json.load(f)["lrtk0"]["inputSize"])
        with torch.no_grad():
            converted = torch.jit.load(os.path.join(out, "model.pt")).get_image_features(self.pixels)
            self.assertLess((converted - model.get_image_features(self.pixels)).abs().max().item(), 1e-5)

    def test_the_anchor_is_zero_on_the_teachers_embedding_and_two_opposite_it(self):
        from tools.clip.lrtk0 import anchor
        teacher = torch.randn(5, 16)
        self.assertAlmostEqual(0.0, anchor(teacher * 3, teacher).item(), places=5)
        self.assertAlmostEqual(2.0, anchor(-teacher, teacher).item(), places=5)

    def test_the_trainer_trains_tokens_only_and_resumes(self):
        base_dir = os.path.join(self.dir, "base")
        path = os.path.join(self.dir, "base.pt")
        torch.save(self.base.state_dict(), path)
        convert(path, base_dir, name="tiny-base")
        images = os.path.join(self.dir, "images")
        os.makedirs(images)
        rng = np.random.default_rng(0)
        for i in range(6):
            # Smooth colour fields with a square: something a low resolution blurs.
            field = rng.integers(0, 255, (4, 4, 3)).astype(np.uint8)
            picture = np.asarray(Image.fromarray(field).resize((48, 40), Image.BICUBIC)).copy()
            picture[10:20, 10 + i:20 + i] = 255
            Image.fromarray(picture).save(os.path.join(images, "%d.png" % i))
        out = os.path.join(self.dir, "tiny-lrtk0")
        trainer = [sys.executable, "-m", "tools.clip.lrtk0", base_dir, images, "--out", out, "--batch", "4",
                   "--checkpoint-every", "2"]
        subprocess.run(trainer + ["--steps", "2"], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        resumed = subprocess.run(trainer + ["--steps", "4", "--resume", "--hr-anchor", "5"], check=True, cwd=ROOT,
                                 capture_output=True, text=True)
        self.assertIn("resumed at step 2", resumed.stdout)
        with open(os.path.join(out, "model.json")) as f:
            meta = json.load(f)
        self.assertEqual("tiny-base-lrtk0", meta["name"])
        self.assertEqual(4, meta["lrtk0"]["steps"])
        self.assertEqual("tiny-base", meta["lrtk0"]["backbone"])
        self.assertEqual(5, meta["lrtk0"]["hrAnchor"])
        trained = torch.jit.load(os.path.join(out, "model.pt"))
        trained_state = trained.state_dict()
        for name, weight in self.base.state_dict().items():
            self.assertTrue(torch.equal(weight, trained_state[name]), name + " changed")
        low = torch.nn.functional.interpolate(
            torch.nn.functional.interpolate(self.pixels, size=4, mode="bicubic"), size=32, mode="bicubic")
        with torch.no_grad():
            self.assertGreater((trained.get_image_features(low) - self.base.get_image_features(low)).abs().max().item(),
                               1e-3)
        # The demo model (a small CNN, not a CLIP ViT) is refused, saying so.
        demo = os.path.join(ROOT, "demo-models", "src", "main", "resources",
                            "models", "lr0-demo-fmnist")
        refused = subprocess.run([sys.executable, "-m", "tools.clip.lrtk0", demo, images, "--out", out], cwd=ROOT,
                                 capture_output=True, text=True)
        self.assertNotEqual(0, refused.returncode)
        self.assertIn("is not a CLIP ViT in lr0's format", refused.stderr)
