"""The shipped weights, grouped per block, with the configuration and the tokenizer they were
trained with. Two models share the tokenizer: the GPT-2 (traces/model.npz, GPT-2's parameter
names) and the Llama-style model (traces/llama/model.npz, Hugging Face's Llama names, renamed
on loading by ``llama_names``). Inside, every array is float32 under GPT-2's names, every
weight stored (in, out) and applied as ``x @ W (+ b)``; RMSNorm and the Llama have no biases.

Example: ``load().blocks[0].c_attn.weight.shape`` -> (128, 384); ``load_named("llama")
.blocks[0].c_attn.weight.shape`` -> (128, 256)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .._assets import data_path
from .config import GPTConfig
from .llama_names import internal_names
from .tokenizer import TOKENIZER, Tokenizer, load_tokenizer

WEIGHTS = "traces/model.npz"
CONFIG = "traces/model.json"
#: Each shipped model's weights and configuration, by the name a kernel's ``model`` takes.
MODELS: dict[str, tuple[str, str]] = {
    "gpt2": (WEIGHTS, CONFIG),
    "llama": ("traces/llama/model.npz", "traces/llama/model.json"),
}


class Linear(NamedTuple):
    """A weight (in, out) and its bias (out,) or None: ``x @ weight + bias``."""

    weight: np.ndarray
    bias: np.ndarray | None


class Norm(NamedTuple):
    """A norm's gain and bias, (d,) each; RMSNorm has no bias (None)."""

    gain: np.ndarray
    bias: np.ndarray | None


class Block(NamedTuple):
    """One transformer block's parameters, in the order the block uses them."""

    ln_1: Norm
    c_attn: Linear  # (d, (nh + 2 nkv) hs): every query head, then the key and value heads
    c_proj: Linear  # (d, d): W_O, mixing the heads' outputs back into the stream
    ln_2: Norm
    c_fc: Linear  # (d, 4d) GELU's input, or (d, 2f) SwiGLU's gate and up side by side
    mlp_proj: Linear  # (4d or f, d)


def block_of(w: dict[str, np.ndarray], i: int) -> Block:
    """Block ``i``'s arrays under GPT-2's names, a bias None where there is none.
    Example: ``block_of(w, 0).ln_1.gain.shape`` -> (128,)"""

    def norm(name: str) -> Norm:
        return Norm(w[f"h.{i}.{name}.weight"], w.get(f"h.{i}.{name}.bias"))

    def linear(name: str) -> Linear:
        return Linear(w[f"h.{i}.{name}.weight"], w.get(f"h.{i}.{name}.bias"))

    return Block(
        norm("ln_1"),
        linear("attn.c_attn"),
        linear("attn.c_proj"),
        norm("ln_2"),
        linear("mlp.c_fc"),
        linear("mlp.c_proj"),
    )


@dataclass
class Model:
    """Configuration, weights and tokenizer of one model.

    ``w`` holds every array by its GPT-2 name (float32, C-contiguous); ``blocks`` the same arrays
    grouped per block, so the decode loop looks nothing up by name.
    """

    config: GPTConfig
    w: dict[str, np.ndarray]
    tokenizer: Tokenizer

    def __post_init__(self) -> None:
        self.w = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in self.w.items()}
        self.blocks = [block_of(self.w, i) for i in range(self.config.n_layer)]

    @property
    def n_layer(self) -> int:
        """Blocks. Example: 4"""
        return self.config.n_layer

    @property
    def n_head(self) -> int:
        """Heads per block. Example: 4"""
        return self.config.n_head

    @property
    def d(self) -> int:
        """Width of the residual stream. Example: 128"""
        return self.config.n_embd

    @property
    def n_ctx(self) -> int:
        """The context window. Example: 128"""
        return self.config.n_ctx

    @property
    def vocab_size(self) -> int:
        """Tokens. Example: 1024"""
        return self.config.vocab_size

    def encode(self, text: str) -> list[int]:
        """Token ids. Example: ``load().encode("")`` -> []"""
        return self.tokenizer.encode(text)

    def decode(self, ids: list[int]) -> str:
        """Text of token ids. Example: ``load().decode([])`` -> ''"""
        return self.tokenizer.decode(ids)

    def token_text(self, token: int) -> str:
        """One token as text. Example: ``load().token_text(32)`` -> ' '"""
        return self.tokenizer.token_text(token)

    def parameters(self) -> int:
        """How many numbers the model learned. Example: ``load().parameters()`` -> 940800"""
        return int(sum(v.size for v in self.w.values()))


def load(weights: str = WEIGHTS, tokenizer: str = TOKENIZER, config: str = CONFIG) -> Model:
    """A shipped model (by default the GPT-2), loaded once per process (the same object however
    the paths are passed); a saved Hugging Face Llama config makes it the Llama design, its
    weights renamed.

    Example: ``load().n_layer`` -> 4; ``load() is load(WEIGHTS)`` -> True
    """
    return load_files(weights, tokenizer, config)


@lru_cache(maxsize=4)
def load_files(weights: str, tokenizer: str, config: str) -> Model:
    """The model in these files, read once per process. Example: see ``load``"""
    with np.load(data_path(weights)) as npz:
        arrays = {k: npz[k] for k in npz.files}
    saved = json.loads(data_path(config).read_text())
    if saved.get("hf_config", {}).get("model_type") == "llama":
        shape, arrays = GPTConfig.from_llama(saved["hf_config"]), internal_names(arrays)
    else:
        shape = GPTConfig.from_dict(saved["config"])
    return Model(shape, arrays, load_tokenizer(tokenizer))


def load_named(name: str = "gpt2") -> Model:
    """One of the shipped ``MODELS`` by name; an unknown name raises a ``ValueError``.

    Example: ``load_named("llama").config.kv_heads`` -> 2
    """
    if not isinstance(name, str) or name not in MODELS:
        raise ValueError(f"model: expected one of {sorted(MODELS)}, got {name!r}")
    weights, config = MODELS[name]
    return load(weights, TOKENIZER, config)
