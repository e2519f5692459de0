"""The model's shape and design, read from the configuration the trainer saved beside the
weights (traces/model.json for the GPT-2, traces/llama/model.json's Hugging Face config for the
Llama-style model): nothing here repeats a number, and the architecture is data, not a second
copy of the forward pass.

A design is four choices, each a field: the norm (``layer``: LayerNorm with a bias, GPT-2;
``rms``: RMSNorm, gain only, Llama), the MLP (``gelu`` one 4d-wide layer; ``swiglu``: a gated
pair), the positions (``learned``: a table added to the token vectors; ``rope``: queries and
keys rotated) and how many key/value heads the query heads share (grouped-query attention).

Example: ``GPTConfig(vocab_size=1024, n_ctx=128, n_embd=128, n_layer=4, n_head=4).head_size``
-> 32
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

NORMS = ("layer", "rms")
MLPS = ("gelu", "swiglu")
POSITIONS = ("learned", "rope")


@dataclass(frozen=True)
class GPTConfig:
    """A decoder-only transformer's shape and design (the reference trainer's names; the
    defaults are GPT-2's)."""

    vocab_size: int  # tokens of the byte-level BPE vocabulary
    n_ctx: int  # the context window it was trained on, in tokens
    n_embd: int  # width of the residual stream, d
    n_layer: int  # transformer blocks
    n_head: int  # query heads per block
    layer_norm_epsilon: float = 1e-5  # the norm's epsilon (torch's LayerNorm default)
    n_kv_head: int = 0  # key/value heads, each shared by n_head / n_kv_head query heads; 0: n_head
    mlp_width: int = 0  # the MLP's hidden width; 0: four times the stream (GPT-2's)
    norm: str = "layer"  # one of NORMS
    mlp: str = "gelu"  # one of MLPS
    positions: str = "learned"  # one of POSITIONS
    rope_theta: float = 10000.0  # RoPE's base: pair i turns by theta^(-2i/head_size) a position

    def __post_init__(self) -> None:
        for name, allowed in (("norm", NORMS), ("mlp", MLPS), ("positions", POSITIONS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name}: expected one of {allowed}, got {getattr(self, name)!r}")
        if self.n_head % self.kv_heads:
            raise ValueError(f"n_kv_head: {self.kv_heads} does not divide {self.n_head} heads")

    @property
    def head_size(self) -> int:
        """Each head's query, key and value width: d / n_head. Example: 128 / 4 -> 32"""
        return self.n_embd // self.n_head

    @property
    def kv_heads(self) -> int:
        """Key/value heads per block. Example: GPT-2 4 (one per query head); the Llama 2"""
        return self.n_kv_head or self.n_head

    @property
    def group(self) -> int:
        """Query heads reading each key/value head; query head h reads kv head h // group.
        Example: 4 query heads over 2 kv heads -> 2"""
        return self.n_head // self.kv_heads

    @property
    def n_inner(self) -> int:
        """The MLP's hidden width. Example: GPT-2 4 * 128 -> 512; the Llama's SwiGLU 400"""
        return self.mlp_width or 4 * self.n_embd

    @property
    def learned_positions(self) -> bool:
        """True when positions come from a trained table, which ends at n_ctx. Example: True"""
        return self.positions == "learned"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GPTConfig:
        """The configuration from a saved dict, ignoring keys it does not know.

        Example: ``GPTConfig.from_dict({"vocab_size": 8, "n_ctx": 4, "n_embd": 8,
        "n_layer": 1, "n_head": 2, "dropout": 0.0}).n_head`` -> 2
        """
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def from_llama(cls, hf: dict[str, Any]) -> GPTConfig:
        """The configuration of a Hugging Face ``LlamaConfig`` dict (RMSNorm, SwiGLU, RoPE).

        Example: ``GPTConfig.from_llama({"vocab_size": 8, "max_position_embeddings": 4,
        "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
        "num_key_value_heads": 1, "intermediate_size": 12}).group`` -> 2
        """
        if hf.get("hidden_act", "silu") != "silu":
            raise ValueError(f"hidden_act: expected silu, got {hf['hidden_act']!r}")
        return cls(
            vocab_size=hf["vocab_size"],
            n_ctx=hf["max_position_embeddings"],
            n_embd=hf["hidden_size"],
            n_layer=hf["num_hidden_layers"],
            n_head=hf["num_attention_heads"],
            layer_norm_epsilon=hf.get("rms_norm_eps", 1e-6),
            n_kv_head=hf.get("num_key_value_heads", hf["num_attention_heads"]),
            mlp_width=hf["intermediate_size"],
            norm="rms",
            mlp="swiglu",
            positions="rope",
            rope_theta=hf.get("rope_theta", 10000.0),
        )
