"""The shipped weights (traces/model.npz: GPT-2's parameter names, float32, every weight stored
(in, out) and applied as ``x @ W + b``), grouped per block, with the configuration and the
tokenizer they were trained with.

Example: ``load().blocks[0].c_attn.weight.shape`` -> (128, 384)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .._assets import data_path
from .config import GPTConfig
from .tokenizer import TOKENIZER, Tokenizer, load_tokenizer

WEIGHTS = "traces/model.npz"
CONFIG = "traces/model.json"


class Linear(NamedTuple):
    """A weight (in, out) and its bias (out,): ``x @ weight + bias``."""

    weight: np.ndarray
    bias: np.ndarray


class Norm(NamedTuple):
    """A layer norm's gain and bias, (d,) each."""

    gain: np.ndarray
    bias: np.ndarray


class Block(NamedTuple):
    """One transformer block's parameters, in the order the block uses them."""

    ln_1: Norm
    c_attn: Linear  # (d, 3d): queries, keys and values of every head, side by side
    c_proj: Linear  # (d, d): W_O, mixing the heads' outputs back into the stream
    ln_2: Norm
    c_fc: Linear  # (d, 4d)
    mlp_proj: Linear  # (4d, d)


def block_of(w: dict[str, np.ndarray], i: int) -> Block:
    """Block ``i``'s arrays under GPT-2's names. Example: ``block_of(w, 0).ln_1.gain.shape`` ->
    (128,)"""

    def norm(name: str) -> Norm:
        return Norm(w[f"h.{i}.{name}.weight"], w[f"h.{i}.{name}.bias"])

    def linear(name: str) -> Linear:
        return Linear(w[f"h.{i}.{name}.weight"], w[f"h.{i}.{name}.bias"])

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


@lru_cache(maxsize=2)
def load(weights: str = WEIGHTS, tokenizer: str = TOKENIZER, config: str = CONFIG) -> Model:
    """The shipped model, loaded once per process.

    Example: ``load().n_layer`` -> 4
    """
    with np.load(data_path(weights)) as npz:
        arrays = {k: npz[k] for k in npz.files}
    saved = json.loads(data_path(config).read_text())["config"]
    return Model(GPTConfig.from_dict(saved), arrays, load_tokenizer(tokenizer))
