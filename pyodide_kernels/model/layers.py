"""The model's layers in float32, written for speed in the browser: projections by the faster
route of the platform, layer norm and RMSNorm with their means as one matmul, GPT-2's tanh GELU
and Llama's SwiGLU in place, RoPE's turn, and the tied unembedding. ``maths.norms``, ``maths.ffn``
and ``maths.rope`` are the teaching versions of the same functions (tests hold them equal);
everything here stays float32, since a float64 scalar would silently upcast and slow the page.

References: Ba et al. (2016) layer norm; Zhang & Sennrich (2019) RMSNorm; Hendrycks & Gimpel
(2016) GELU; Shazeer (2020) SwiGLU; Su et al. (2021) RoPE; Press & Wolf (2017) tied embeddings.
Leaves out: dropout, training.
"""

from __future__ import annotations

import math
import sys
from functools import lru_cache

import numpy as np

from ..maths.rope import frequencies
from .config import GPTConfig
from .weights import Linear, Model, Norm

F32 = np.float32
#: WebAssembly NumPy has no BLAS. There ``einsum``'s C loop, which adds one scaled row of a
#: row-major weight per input feature, ran 1.3-1.8x faster than ``@`` (which strides down a
#: column per output) on the model's shapes; with BLAS (CPython), ``@`` is the fast one.
EINSUM_PROJECTIONS = sys.platform == "emscripten"
GELU_C = F32(math.sqrt(2.0 / math.pi))
GELU_CUBE = F32(math.sqrt(2.0 / math.pi) * 0.044715)


def project(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``x @ w`` for activations x (T, in) and a weight w (in, out), by this platform's faster
    route (``EINSUM_PROJECTIONS``).

    Example: ``project(np.ones((1, 2), 'f4'), np.eye(2, dtype='f4'))`` -> [[1, 1]]
    """
    return np.einsum("ti,io->to", x, w) if EINSUM_PROJECTIONS else x @ w


def linear(x: np.ndarray, layer: Linear) -> np.ndarray:
    """``x @ W + b`` (``x @ W`` without a bias). Example: ``linear(np.ones((1, 2), 'f4'),
    Linear(np.eye(2, dtype='f4'), np.ones(2, 'f4')))`` -> [[2, 2]]"""
    out = project(x, layer.weight)
    if layer.bias is not None:
        out += layer.bias
    return out


@lru_cache(maxsize=4)
def mean_column(d: int) -> np.ndarray:
    """A (d, 1) column of 1/d: ``x @ mean_column(d)`` is the mean over x's last axis, as one
    matmul (a reduction with keepdims costs several times more per call in WebAssembly NumPy).

    Example: ``np.ones((1, 4), 'f4') @ mean_column(4)`` -> [[1.0]]
    """
    return np.full((d, 1), 1 / d, dtype=F32)


def layer_norm(x: np.ndarray, norm: Norm, eps: float = 1e-5) -> np.ndarray:
    """LayerNorm over the last axis (biased variance, as torch), into a new array.

    Example: ``layer_norm(np.ones((1, 2), 'f4'), Norm(np.ones(2, 'f4'), np.zeros(2, 'f4')))``
    -> [[0, 0]]
    """
    mean = mean_column(x.shape[-1])
    xc = x - x @ mean
    var = (xc * xc) @ mean
    var += F32(eps)
    np.sqrt(var, var)
    xc /= var
    xc *= norm.gain
    if norm.bias is not None:
        xc += norm.bias
    return xc


def rms_norm(x: np.ndarray, norm: Norm, eps: float = 1e-5) -> np.ndarray:
    """RMSNorm over the last axis, x / sqrt(mean(x²) + eps) · gain, into a new array (LayerNorm
    without the mean taken away or a bias added).

    Example: ``rms_norm(np.full((1, 2), 3, 'f4'), Norm(np.ones(2, 'f4'), None))`` -> [[1, 1]]
    """
    ms = (x * x) @ mean_column(x.shape[-1])  # (T, 1)
    ms += F32(eps)
    np.sqrt(ms, ms)
    out = x / ms
    out *= norm.gain
    return out


def normalize(x: np.ndarray, norm: Norm, config: GPTConfig) -> np.ndarray:
    """The design's norm (``config.norm``: LayerNorm or RMSNorm) of the stream x (…, d).

    Example: ``normalize(x, block.ln_1, load().config)`` == ``layer_norm(x, block.ln_1)``
    """
    if config.norm == "rms":
        return rms_norm(x, norm, config.layer_norm_epsilon)
    return layer_norm(x, norm, config.layer_norm_epsilon)


def gelu(x: np.ndarray) -> np.ndarray:
    """GPT-2's tanh GELU, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), into a new array.

    Example: ``gelu(np.zeros(1, 'f4'))`` -> [0.0]
    """
    t = x * x
    t *= GELU_CUBE
    t += GELU_C
    t *= x  # sqrt(2/pi) (x + 0.044715 x^3)
    np.tanh(t, t)
    t += F32(1)
    t *= x
    t *= F32(0.5)
    return t


def swiglu(gate_up: np.ndarray) -> np.ndarray:
    """SwiGLU's hidden layer from the gate and up projections side by side (T, 2f):
    silu(gate) · up = gate · sigmoid(gate) · up, (T, f), into a new array.

    Example: ``swiglu(np.array([[0.0, 5.0]], 'f4'))`` -> [[0.0]] (a closed gate)
    """
    f = gate_up.shape[-1] // 2
    gate, up = gate_up[:, :f], gate_up[:, f:]
    out = np.negative(gate)
    np.exp(out, out)
    out += F32(1)
    np.divide(gate, out, out)  # silu(gate)
    out *= up
    return out


@lru_cache(maxsize=8)
def rope_tables(count: int, head_size: int, theta: float) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin (count, head_size) of every position's angles, each pair's written twice in
    Hugging Face's layout (a head's first half pairs with its second): pair i of position p
    turns by p · theta^(-2i/head_size), the frequencies of ``maths.rope``.

    Example: ``rope_tables(1, 4, 100.0)[0]`` -> [[1, 1, 1, 1]] (position 0 does not turn)
    """
    angles = np.arange(count)[:, None] * frequencies(head_size, theta)[None, :]  # (P, hs/2)
    angles = np.concatenate([angles, angles], axis=1)
    return np.cos(angles).astype(F32), np.sin(angles).astype(F32)


def rotate(x: np.ndarray, positions: np.ndarray, config: GPTConfig) -> np.ndarray:
    """Queries or keys (heads, T, hs) turned by RoPE to their positions: x · cos + rotate_half(x)
    · sin, rotate_half(x1, x2) = (-x2, x1), into a new array.

    Example: ``rotate(q, np.array([0]), llama.config)`` equals q (position 0 does not turn)
    """
    count = max(config.n_ctx, int(positions[-1]) + 1)  # one table for every step of a run
    cos, sin = rope_tables(count, x.shape[-1], config.rope_theta)
    cos, sin = cos[positions], sin[positions]  # (T, hs)
    half = x.shape[-1] // 2
    turned = np.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    turned *= sin
    out = x * cos
    out += turned
    return out


def final_norm(model: Model, x: np.ndarray) -> np.ndarray:
    """The final norm (ln_f) of residual vectors (…, d).

    Example: ``final_norm(load(), np.ones((1, 128), 'f4')).shape`` -> (1, 128)
    """
    ln_f = Norm(model.w["ln_f.weight"], model.w.get("ln_f.bias"))
    return normalize(x, ln_f, model.config)


def unembed(model: Model, x: np.ndarray) -> np.ndarray:
    """Logits (…, vocab) of residual vectors (…, d): the final layer norm, then every token's
    row of the embedding table (tied: W_U = wte), one dot product each.

    Example: ``unembed(load(), np.zeros((1, 128), 'f4')).shape`` -> (1, 1024)
    """
    return final_norm(model, x) @ model.w["wte.weight"].T
