"""A GPT-2-style decoder in PyTorch, small enough to train on two CPU cores.

Pre-LayerNorm blocks, learned positions, a tanh-approximated GELU MLP (4x wide), tied input and
output embeddings, and GPT-2's parameter names and layouts (``wte``, ``wpe``, ``h.{i}.ln_1``,
``h.{i}.attn.c_attn``, ``h.{i}.attn.c_proj``, ``h.{i}.ln_2``, ``h.{i}.mlp.c_fc``,
``h.{i}.mlp.c_proj``, ``ln_f``). Like GPT-2's Conv1D, every weight is stored (in, out) and
applied as ``x @ W + b``, so the NumPy model (pyodide_kernels/model/) reads the same arrays.
No dropout (the model is too small to need it in a short run).

Example: ``GPT(GPTConfig()).num_parameters()`` -> 940_800 (the shipped size)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 1024
    n_ctx: int = 128
    n_embd: int = 128
    n_layer: int = 4
    n_head: int = 4
    layer_norm_epsilon: float = 1e-5

    def to_dict(self) -> dict:
        return asdict(self)


class Conv1D(nn.Module):
    """GPT-2's linear layer: weight (in, out), ``x @ W + b``."""

    def __init__(self, n_in: int, n_out: int, std: float = 0.02):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_in, n_out) * std)
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight + self.bias


class Attention(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        d = config.n_embd
        self.n_head = config.n_head
        self.c_attn = Conv1D(d, 3 * d)
        self.c_proj = Conv1D(d, d, std=0.02 / math.sqrt(2 * config.n_layer))

    def forward(self, x: torch.Tensor, return_weights: bool = False):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)  # (B, T, C) each
        hs = C // self.n_head
        q, k, v = (
            t.view(B, T, self.n_head, hs).transpose(1, 2) for t in (q, k, v)
        )  # (B, nh, T, hs)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(hs)  # (B, nh, T, T)
        mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        weights = scores.masked_fill(~mask, float("-inf")).softmax(dim=-1)  # (B, nh, T, T)
        y = (weights @ v).transpose(1, 2).reshape(B, T, C)  # (B, T, C)
        out = self.c_proj(y)
        return (out, weights) if return_weights else out


class MLP(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        d = config.n_embd
        self.c_fc = Conv1D(d, 4 * d)
        self.c_proj = Conv1D(4 * d, d, std=0.02 / math.sqrt(2 * config.n_layer))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        eps = config.layer_norm_epsilon
        self.ln_1 = nn.LayerNorm(config.n_embd, eps=eps)
        self.attn = Attention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, eps=eps)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.n_ctx, config.n_embd)
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.01)
        self.h = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd, eps=config.layer_norm_epsilon)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, idx: torch.Tensor, return_hidden: bool = False):
        """Logits (B, T, vocab); with ``return_hidden`` also the residual stream after each
        block and the attention weights of every layer."""
        B, T = idx.shape
        pos = torch.arange(T, device=idx.device)
        x = self.wte(idx) + self.wpe(pos)  # (B, T, C)
        hidden, attentions = [x], []
        for block in self.h:
            if return_hidden:
                a, w = block.attn(block.ln_1(x), return_weights=True)
                x = x + a
                x = x + block.mlp(block.ln_2(x))
                hidden.append(x)
                attentions.append(w)
            else:
                x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.T  # (B, T, vocab)
        return (logits, hidden, attentions) if return_hidden else logits

    def state_arrays(self) -> dict:
        """float32 NumPy arrays under GPT-2's names (the contents of traces/model.npz)."""
        return {k: v.detach().cpu().float().numpy() for k, v in self.state_dict().items()}

    @classmethod
    def from_arrays(cls, arrays, config: GPTConfig) -> GPT:
        model = cls(config)
        model.load_state_dict({k: torch.from_numpy(arrays[k]) for k in model.state_dict()})
        return model
