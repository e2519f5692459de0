"""The forward pass, in nanoGPT's shape: embed, then every block adds attention and an MLP to
the residual stream, then the final norm and the tied unembedding give the logits.

    x = wte[ids] (+ wpe[positions], learned positions only)
    for each block:  x = x + attention(norm_1(x));  x = x + mlp(norm_2(x))
    logits = norm_f(x) @ wteᵀ

One pass runs both shipped designs from their configuration: GPT-2 (LayerNorm, GELU, learned
positions, a key/value head per query head) and the Llama-style model (RMSNorm, SwiGLU, RoPE
turning queries and keys, 4 query heads sharing 2 key/value heads).

The same code serves three uses: ``forward`` (the logits, optionally extending a KV cache),
``record`` (also every block's stream and attention weights, for the figures and the labs) and
``forward_from`` (start after a given block with a stream taken from elsewhere: activation
patching re-runs only what a patch can change). References: Radford et al. (2019) GPT-2;
Karpathy's nanoGPT ``model.py``; Touvron et al. (2023) Llama; Su et al. (2021) RoPE; Ainslie et
al. (2023) grouped-query attention; Hugging Face's ``modeling_llama.py``. Leaves out: batching,
dropout, training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..maths.softmax import stable_softmax
from .cache import KVCache
from .hooks import NO_HOOKS, Hooks
from .layers import gelu, linear, normalize, project, rotate, swiglu, unembed
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
    """The first stream (T, d) of tokens ``ids`` placed at positions start, start + 1, …; a
    learned position table ends at the context window, RoPE has no table to run out of.

    Example: ``embed(load(), [5], 0, NO_HOOKS)[0].shape`` -> (1, 128)
    """
    positions = np.arange(start, start + len(ids))
    learned = model.config.learned_positions
    if learned and positions[-1] >= model.n_ctx:
        raise ValueError(f"prompt: at most {model.n_ctx} tokens in the context window")
    table = model.w["wpe.weight"][positions] if learned else None
    return hooks.embed(model.w["wte.weight"][ids], table), positions


def attention(
    model: Model,
    block: Block,
    layer: int,
    h: np.ndarray,
    positions: np.ndarray,
    cache: KVCache | None,
    hooks: Hooks,
) -> tuple[np.ndarray, np.ndarray]:
    """Causal multi-head self-attention of the normed stream h (T, d): every query head and
    every key/value head projects the whole vector (hs wide each); under RoPE the queries and
    keys turn to their positions; query head h attends with key/value head h // group over the
    positions so far, and W_O mixes the heads' outputs back. Returns (output (T, d), weights
    (nh, T, past+T)).

    Example: for one token, ``attention(...)[1]`` -> [[[1.0]]] for every head
    """
    c = model.config
    T, nh, nkv, hs = h.shape[0], c.n_head, c.kv_heads, c.head_size
    qkv = linear(h, block.c_attn)  # (T, (nh + 2 nkv) hs)
    q = qkv[:, : nh * hs].reshape(T, nh, hs).transpose(1, 0, 2)  # (nh, T, hs)
    k, v = qkv[:, nh * hs :].reshape(T, 2, nkv, hs).transpose(1, 2, 0, 3)  # (nkv, T, hs) each
    if c.positions == "rope":
        q, k = rotate(q, positions, c), rotate(k, positions, c)
    if cache is not None:
        k, v = cache.extend(layer, k, v)  # (nkv, past+T, hs)
    S = k.shape[1]
    # query heads side by side per key/value head: (nkv, group T, hs), one matmul per kv head
    scores = (q.reshape(nkv, c.group * T, hs) @ k.transpose(0, 2, 1)).reshape(nh, T, S)
    scores *= np.float32(1 / math.sqrt(hs))
    if T > 1:
        future = np.arange(S)[None, :] > positions[:, None]  # (T, past+T)
        scores[:, future] = -np.inf
    scores = hooks.scores(positions, scores)  # (nh, T, past+T): a window may hide more keys
    weights = stable_softmax(scores)  # (nh, T, past+T), rows sum to 1
    y = (weights.reshape(nkv, c.group * T, S) @ v).reshape(nh, T, hs)
    y = hooks.heads(layer, y)  # (nh, T, hs)
    y = y.transpose(1, 0, 2).reshape(T, model.d)  # (T, d): the heads side by side
    return linear(y, block.c_proj), weights


def mlp(model: Model, block: Block, layer: int, h: np.ndarray, hooks: Hooks) -> np.ndarray:
    """The feed-forward half of a block: (T, d) -> GELU of a 4d-wide layer, or SwiGLU's gated
    f-wide layer -> (T, d).

    Example: ``mlp(load(), load().blocks[0], 0, h, NO_HOOKS).shape`` -> h's shape
    """
    if model.config.mlp == "swiglu":
        a = swiglu(project(h, block.c_fc.weight))  # (T, f)
    else:
        a = gelu(linear(h, block.c_fc))  # (T, 4d)
    return linear(hooks.neurons(layer, a), block.mlp_proj)


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
    c = model.config
    for layer in range(first, model.n_layer):
        block = model.blocks[layer]
        out, weights = attention(
            model, block, layer, normalize(x, block.ln_1, c), positions, cache, hooks
        )
        x = x + out
        if recording is not None:
            recording.mid.append(x)
            recording.attn.append(weights)
        x = x + mlp(model, block, layer, normalize(x, block.ln_2, c), hooks)
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
