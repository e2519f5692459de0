"""A Llama-style decoder in PyTorch, the GPT-2 of reference/model.py redrawn with Llama's parts and
trained by the same recipe (``python -m reference.train --arch llama``).

Pre-RMSNorm blocks (a scale, no shift), rotary position embeddings (RoPE) on the queries and keys
instead of a learned position table, grouped-query attention (4 query heads share 2 key/value
heads of size 32), a SwiGLU MLP (``down(silu(gate(x)) * up(x))``), no biases, and the output
layer tied to the token table. Names and layouts are exactly Hugging Face's
``LlamaForCausalLM.state_dict()`` (``model.embed_tokens``, ``model.layers.{i}.self_attn.q_proj``
…, ``model.norm``, ``lm_head``), every weight stored as ``nn.Linear`` does, (out, in) and applied
as ``x @ W.T``; RoPE rotates the halves of each head (HF's ``rotate_half``), so
``transformers.LlamaForCausalLM(transformers.LlamaConfig(**config.to_hf_dict()))`` loads
traces/llama/model.npz with ``load_state_dict`` and gives the same logits.

The MLP is 400 wide so that the count, 943 232, is within 0.3 % of the GPT-2's 940 800.

References: Touvron et al. (2023) "LLaMA"; Su et al. (2021) RoFormer (RoPE); Shazeer (2020)
"GLU Variants Improve Transformer" (SwiGLU); Ainslie et al. (2023) GQA; Zhang and Sennrich
(2019) RMSNorm; Hugging Face transformers' modeling_llama.py.
Leaves out: dropout, RoPE scaling (Llama 3's long-context frequencies), a KV cache.

Example: ``Llama(LlamaConfig()).num_parameters()`` -> 943_232
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class LlamaConfig:
    vocab_size: int = 1024
    n_ctx: int = 128  # HF's max_position_embeddings
    n_embd: int = 128  # hidden_size
    n_layer: int = 4
    n_head: int = 4  # query heads
    n_kv_head: int = 2  # key/value heads, each shared by n_head / n_kv_head query heads
    n_inner: int = 400  # the SwiGLU MLP's width (intermediate_size)
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head

    def to_dict(self) -> dict:
        return asdict(self)

    def to_hf_dict(self) -> dict[str, Any]:
        """The same shape as Hugging Face's ``LlamaConfig`` arguments.

        Example: ``LlamaConfig().to_hf_dict()["num_key_value_heads"]`` -> 2
        """
        return {
            "model_type": "llama",
            "architectures": ["LlamaForCausalLM"],
            "vocab_size": self.vocab_size,
            "hidden_size": self.n_embd,
            "intermediate_size": self.n_inner,
            "num_hidden_layers": self.n_layer,
            "num_attention_heads": self.n_head,
            "num_key_value_heads": self.n_kv_head,
            "head_dim": self.head_dim,
            "max_position_embeddings": self.n_ctx,
            "rope_theta": self.rope_theta,
            "rope_parameters": {"rope_type": "default", "rope_theta": self.rope_theta},
            "rms_norm_eps": self.rms_norm_eps,
            "hidden_act": "silu",
            "attention_bias": False,
            "mlp_bias": False,
            "tie_word_embeddings": True,
            "torch_dtype": "float32",
        }


class RMSNorm(nn.Module):
    """``x / sqrt(mean(x²) + eps) * weight``: LayerNorm without the mean or the shift."""

    def __init__(self, d: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rope_angles(T: int, head_dim: int, theta: float, device=None) -> tuple[torch.Tensor, ...]:
    """cos and sin of every position's angle for each pair, each (T, head_dim): pair i turns by
    ``theta ** (-2i / head_dim)`` radians a position, written twice (HF's layout: the first
    half of a head pairs with the second)."""
    inv_freq = theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
    angles = torch.arange(T, dtype=torch.float32)[:, None] * inv_freq[None, :]  # (T, hd/2)
    angles = torch.cat([angles, angles], dim=-1).to(device)  # (T, hd)
    return angles.cos(), angles.sin()


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    """(x1, x2) -> (-x2, x1) over the two halves of the last axis."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate each head's pairs by their position's angles; x (B, h, T, hd)."""
    return x * cos + rotate_half(x) * sin


class Attention(nn.Module):
    def __init__(self, config: LlamaConfig):
        super().__init__()
        d, hd = config.n_embd, config.head_dim
        self.n_head, self.n_kv_head, self.head_dim = config.n_head, config.n_kv_head, hd
        self.q_proj = nn.Linear(d, config.n_head * hd, bias=False)
        self.k_proj = nn.Linear(d, config.n_kv_head * hd, bias=False)
        self.v_proj = nn.Linear(d, config.n_kv_head * hd, bias=False)
        self.o_proj = nn.Linear(config.n_head * hd, d, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, return_weights=False):
        B, T, _ = x.shape
        hd = self.head_dim
        q = self.q_proj(x).view(B, T, self.n_head, hd).transpose(1, 2)  # (B, nh, T, hd)
        k = self.k_proj(x).view(B, T, self.n_kv_head, hd).transpose(1, 2)  # (B, nkv, T, hd)
        v = self.v_proj(x).view(B, T, self.n_kv_head, hd).transpose(1, 2)  # (B, nkv, T, hd)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        # query head h reads key/value head h // (nh / nkv), as HF's repeat_kv
        group = self.n_head // self.n_kv_head
        k = k.repeat_interleave(group, dim=1)  # (B, nh, T, hd)
        v = v.repeat_interleave(group, dim=1)  # (B, nh, T, hd)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(hd)  # (B, nh, T, T)
        mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=-1)  # (B, nh, T, T)
        y = (weights @ v).transpose(1, 2).reshape(B, T, self.n_head * hd)  # (B, T, nh hd)
        out = self.o_proj(y)
        return (out, weights) if return_weights else out


class MLP(nn.Module):
    def __init__(self, config: LlamaConfig):
        super().__init__()
        d, f = config.n_embd, config.n_inner
        self.gate_proj = nn.Linear(d, f, bias=False)
        self.up_proj = nn.Linear(d, f, bias=False)
        self.down_proj = nn.Linear(f, d, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.self_attn = Attention(config)
        self.mlp = MLP(config)
        self.input_layernorm = RMSNorm(config.n_embd, config.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(config.n_embd, config.rms_norm_eps)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, return_weights=False):
        a, w = self.self_attn(self.input_layernorm(x), cos, sin, return_weights=True)
        x = x + a
        x = x + self.mlp(self.post_attention_layernorm(x))
        return (x, w) if return_weights else x


class Decoder(nn.Module):
    """HF's ``LlamaModel``: the token table, the blocks, the final norm (the ``model.`` names)."""

    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.n_embd)
        self.layers = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.norm = RMSNorm(config.n_embd, config.rms_norm_eps)


class Llama(nn.Module):
    """The interface of reference.model.GPT: ``config``, ``forward(idx, return_hidden)``,
    ``num_parameters``, ``state_arrays``, ``from_arrays``."""

    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.config = config
        self.model = Decoder(config)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.model.embed_tokens.weight  # tied: one table in and out
        # GPT's initialisation: N(0, 0.02), the layers that write to the residual stream
        # scaled by 1/sqrt(2 n_layer)
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                deep = name.endswith(("o_proj.weight", "down_proj.weight"))
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * config.n_layer) if deep else 0.02)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())  # the tied table counted once

    def forward(self, idx: torch.Tensor, return_hidden: bool = False):
        """Logits (B, T, vocab); with ``return_hidden`` also the residual stream after each
        block and the attention weights of every layer."""
        _, T = idx.shape
        cos, sin = rope_angles(T, self.config.head_dim, self.config.rope_theta, idx.device)
        x = self.model.embed_tokens(idx)  # (B, T, C)
        hidden, attentions = [x], []
        for block in self.model.layers:
            x, w = block(x, cos, sin, return_weights=True)
            hidden.append(x)
            attentions.append(w)
        logits = self.lm_head(self.model.norm(x))  # (B, T, vocab)
        return (logits, hidden, attentions) if return_hidden else logits

    def state_arrays(self) -> dict:
        """float32 NumPy arrays under HF's names, ``lm_head.weight`` (a copy of the tied table)
        included, so that HF's ``load_state_dict`` takes them as they are."""
        return {k: v.detach().cpu().float().numpy() for k, v in self.state_dict().items()}

    @classmethod
    def from_arrays(cls, arrays, config: LlamaConfig) -> Llama:
        model = cls(config)
        model.load_state_dict({k: torch.from_numpy(arrays[k]) for k in model.state_dict()})
        return model
