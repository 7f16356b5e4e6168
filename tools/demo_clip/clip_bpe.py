"""CLIP's byte-level BPE tokenizer, read from a Hugging Face tokenizer.json (no `tokenizers` package needed).

Follows OpenAI CLIP's simple_tokenizer: whitespace-clean, lower-case, split with CLIP's regex, byte-to-unicode,
BPE with the '</w>' end-of-word suffix; <|startoftext|> ... <|endoftext|>, padded with <|endoftext|> to the
context length (the Java side uses DJL's Hugging Face tokenizer on the same file; a test compares both).
"""
import json

import regex

PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class ClipBpe:
    def __init__(self, tokenizer_json):
        with open(tokenizer_json, encoding="utf-8") as f:
            spec = json.load(f)
        self.vocab = spec["model"]["vocab"]
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in spec["model"]["merges"]]
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.sot = self.vocab["<|startoftext|>"]
        self.eot = self.vocab["<|endoftext|>"]
        self.cache = {}

    def _bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
        self.cache[token] = word
        return word

    def encode(self, text):
        """Token ids with start and end markers, like the Hugging Face tokenizer's encode()."""
        text = " ".join(text.split()).lower()
        ids = [self.sot]
        for token in PATTERN.findall(text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids.extend(self.vocab[piece] for piece in self._bpe(token))
        ids.append(self.eot)
        return ids

    def encode_padded(self, text, context_length):
        """(input_ids, attention_mask), truncated (keeping the end marker) and padded to context_length."""
        ids = self.encode(text)
        if len(ids) > context_length:
            ids = ids[:context_length - 1] + [self.eot]
        mask = [1] * len(ids) + [0] * (context_length - len(ids))
        # OpenAI CLIP pads with 0 after the end marker; the models pool at the end marker (the largest id).
        return ids + [0] * (context_length - len(ids)), mask
