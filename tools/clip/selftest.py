#!/usr/bin/python3
"""Checks of tools/clip that need no pretrained weights, on the tiny configuration with random weights:

- an OpenAI-layout state dict and an OpenAI-style TorchScript archive convert, and the exported TorchScript gives
  the eager model's embeddings (within 1e-5);
- the same weights in Hugging Face's layout (separate q/k/v, [out, in] projections), as model.safetensors (read
  without the safetensors package) and as pytorch_model.bin, convert to the same embeddings;
- an OpenCLIP training checkpoint (nested, 'module.' prefixes) converts;
- ResNet CLIPs, SigLIP and unknown checkpoints are refused, saying what they are;
- the shared CLIP tokenizer gives CLIP's ids for 'a photo of a dog.', padded to 77.

  /usr/bin/python3 tools/clip/selftest.py
"""
import os
import sys
import tempfile
import unittest

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "demo_clip"))
from checkpoints import UnsupportedCheckpoint, to_huggingface, write_safetensors  # noqa: E402
from clip import CONFIGS, Clip  # noqa: E402
from clip_bpe import ClipBpe  # noqa: E402
from convert import convert, default_tokenizer  # noqa: E402

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


if __name__ == "__main__":
    unittest.main(verbosity=2)
