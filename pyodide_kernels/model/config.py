"""The model's sizes, read from the configuration the trainer saved beside the weights
(traces/model.json, written by reference/model.py's GPTConfig): nothing here repeats a number.

Example: ``GPTConfig(vocab_size=1024, n_ctx=128, n_embd=128, n_layer=4, n_head=4).head_size``
-> 32
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class GPTConfig:
    """A GPT-2-style decoder's shape (the reference trainer's names)."""

    vocab_size: int  # tokens of the byte-level BPE vocabulary
    n_ctx: int  # the context window, in tokens
    n_embd: int  # width of the residual stream, d
    n_layer: int  # transformer blocks
    n_head: int  # attention heads per block
    layer_norm_epsilon: float = 1e-5  # torch's LayerNorm default, which the trainer used

    @property
    def head_size(self) -> int:
        """Each head's query, key and value width: d / n_head. Example: 128 / 4 -> 32"""
        return self.n_embd // self.n_head

    @property
    def n_inner(self) -> int:
        """The MLP's hidden width, four times the stream (GPT-2's). Example: 4 * 128 -> 512"""
        return 4 * self.n_embd

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GPTConfig:
        """The configuration from a saved dict, ignoring keys it does not know.

        Example: ``GPTConfig.from_dict({"vocab_size": 8, "n_ctx": 4, "n_embd": 8,
        "n_layer": 1, "n_head": 2, "dropout": 0.0}).n_head`` -> 2
        """
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
