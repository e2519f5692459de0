"""The forward pass, in nanoGPT's shape: embed, then every block adds attention and an MLP to
the residual stream, then the final layer norm and the tied unembedding give the logits.

    x = wte[ids] + wpe[positions]
    for each block:  x = x + attention(ln_1(x));  x = x + mlp(ln_2(x))
    logits = ln_f(x) @ wteᵀ

The same code serves three uses: ``forward`` (the logits, optionally extending a KV cache),
``record`` (also every block's stream and attention weights, for the figures and the labs) and
``forward_from`` (start after a given block with a stream taken from elsewhere: activation
patching re-runs only what a patch can change). References: Radford et al. (2019) GPT-2;
Karpathy's nanoGPT ``model.py``. Leaves out: batching, dropout, training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..maths.softmax import stable_softmax
from .cache import KVCache
from .hooks import NO_HOOKS, Hooks
from .layers import gelu, layer_norm, linear, unembed
from .weights import Block, Model


@dataclass
class Recording:
    """What a recorded run saw: the stream after the embeddings and after each block
    (``resid``, (L+1, T, d) once stacked), between each block's attention and MLP (``mid``,
    L × (T, d)) and every block's attention weights (``attn``, L × (nh, T, T))."""

    resid: list[np.ndarray] = field(default_factory=list)
    mid: list[np.ndarray] = field(default_factory=list)
    attn: list[np.ndarray] = field(default_factory=list)

    @property
    def stream(self) -> np.ndarray:
        """The residual stream after the embeddings and each block, (L+1, T, d)."""
        return np.stack(self.resid)


def embed(model: Model, ids: list[int], start: int, hooks: Hooks) -> tuple[np.ndarray, np.ndarray]:
    """The first stream (T, d) of tokens ``ids`` placed at positions start, start + 1, …

    Example: ``embed(load(), [5], 0, NO_HOOKS)[0].shape`` -> (1, 128)
    """
    positions = np.arange(start, start + len(ids))
    if positions[-1] >= model.n_ctx:
        raise ValueError(f"prompt: at most {model.n_ctx} tokens in the context window")
    x = hooks.embed(model.w["wte.weight"][ids], model.w["wpe.weight"][positions])
    return x, positions


def attention(
    model: Model,
    block: Block,
    layer: int,
    h: np.ndarray,
    positions: np.ndarray,
    cache: KVCache | None,
    hooks: Hooks,
) -> tuple[np.ndarray, np.ndarray]:
    """Causal multi-head self-attention of the normed stream h (T, d): every head projects the
    whole vector to its query, key and value (hs wide each), attends over the positions so far,
    and W_O mixes the heads' outputs back. Returns (output (T, d), weights (nh, T, past+T)).

    Example: for one token, ``attention(...)[1]`` -> [[[1.0]]] for every head
    """
    T, nh, hs = h.shape[0], model.n_head, model.config.head_size
    qkv = linear(h, block.c_attn)  # (T, 3d)
    q, k, v = qkv.reshape(T, 3, nh, hs).transpose(1, 2, 0, 3)  # (nh, T, hs) each
    if cache is not None:
        k, v = cache.extend(layer, k, v)  # (nh, past+T, hs)
    scores = q @ k.transpose(0, 2, 1)  # (nh, T, past+T)
    scores *= np.float32(1 / math.sqrt(hs))
    if T > 1:
        future = np.arange(k.shape[1])[None, :] > positions[:, None]  # (T, past+T)
        scores[:, future] = -np.inf
    scores = hooks.scores(positions, scores)  # (nh, T, past+T): a window may hide more keys
    weights = stable_softmax(scores)  # (nh, T, past+T), rows sum to 1
    y = hooks.heads(layer, weights @ v)  # (nh, T, hs)
    y = y.transpose(1, 0, 2).reshape(T, model.d)  # (T, d): the heads side by side
    return linear(y, block.c_proj), weights


def mlp(block: Block, layer: int, h: np.ndarray, hooks: Hooks) -> np.ndarray:
    """The feed-forward half of a block: (T, d) -> GELU of a 4d-wide layer -> (T, d).

    Example: ``mlp(load().blocks[0], 0, h, NO_HOOKS).shape`` -> h's shape
    """
    a = hooks.neurons(layer, gelu(linear(h, block.c_fc)))  # (T, 4d)
    return linear(a, block.mlp_proj)


def run_blocks(
    model: Model,
    x: np.ndarray,
    positions: np.ndarray,
    first: int,
    cache: KVCache | None,
    hooks: Hooks,
    recording: Recording | None,
) -> np.ndarray:
    """The stream after the last block, from ``x``, the stream entering block ``first``.

    Example: ``run_blocks(m, x, positions, m.n_layer, None, NO_HOOKS, None) is x`` -> True
    """
    eps = model.config.layer_norm_epsilon
    for layer in range(first, model.n_layer):
        block = model.blocks[layer]
        out, weights = attention(
            model, block, layer, layer_norm(x, block.ln_1, eps), positions, cache, hooks
        )
        x = x + out
        if recording is not None:
            recording.mid.append(x)
            recording.attn.append(weights)
        x = x + mlp(block, layer, layer_norm(x, block.ln_2, eps), hooks)
        x = hooks.after_block(layer, x, positions)
        if recording is not None:
            recording.resid.append(x)
    if cache is not None:
        cache.advance(len(positions))
    return x


def run(
    model: Model,
    ids: list[int],
    cache: KVCache | None,
    hooks: Hooks,
    recording: Recording | None,
) -> np.ndarray:
    """Logits (T, vocab) of ``ids`` placed after the cache's positions, recorded or not.

    Example: ``run(load(), [0], None, NO_HOOKS, None).shape`` -> (1, 1024)
    """
    x, positions = embed(model, ids, cache.length if cache is not None else 0, hooks)
    x = hooks.after_block(-1, x, positions)
    if recording is not None:
        recording.resid.append(x)
    x = run_blocks(model, x, positions, 0, cache, hooks, recording)
    return hooks.logits(unembed(model, x))


def forward(
    model: Model, ids: list[int], cache: KVCache | None = None, hooks: Hooks = NO_HOOKS
) -> np.ndarray:
    """Logits (T, vocab) for ``ids``, placed after the positions ``cache`` holds (and added to
    it). Example: ``forward(load(), [0, 1]).shape`` -> (2, 1024)
    """
    return run(model, ids, cache, hooks, None)


def record(model: Model, ids: list[int], hooks: Hooks = NO_HOOKS) -> tuple[np.ndarray, Recording]:
    """Logits and a Recording of every block of one run.

    Example: ``record(load(), [0, 1])[1].stream.shape`` -> (5, 2, 128)
    """
    recording = Recording()
    return run(model, ids, None, hooks, recording), recording


def forward_from(
    model: Model, x: np.ndarray, after: int, positions: np.ndarray, cache: KVCache | None
) -> np.ndarray:
    """Logits (T, vocab) of a stream ``x`` (T, d) taken after block ``after`` (-1: the
    embeddings) at ``positions``, run through the remaining blocks; ``cache`` holds the keys and
    values of the positions before them (patching leaves those unchanged).

    Example: ``forward_from(m, rec.stream[1], 0, np.arange(T), None)`` == ``forward(m, ids)``
    """
    return unembed(model, run_blocks(model, x, positions, after + 1, cache, NO_HOOKS, None))
