"""The model's layers in float32, written for speed in the browser: projections by the faster
route of the platform, layer norm with its means as one matmul, GPT-2's tanh GELU in place, and
the tied unembedding. ``maths.norms`` and ``maths.ffn`` are the teaching versions of the same
functions (tests hold them equal); everything here stays float32, since a float64 scalar would
silently upcast and slow the page down.

References: Ba et al. (2016) layer norm; Hendrycks & Gimpel (2016) GELU; Press & Wolf (2017)
tied embeddings. Leaves out: dropout, training.
"""

from __future__ import annotations

import math
import sys
from functools import lru_cache

import numpy as np

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
    """``x @ W + b``. Example: ``linear(np.ones((1, 2), 'f4'), Linear(np.eye(2, dtype='f4'),
    np.ones(2, 'f4')))`` -> [[2, 2]]"""
    out = project(x, layer.weight)
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
    xc += norm.bias
    return xc


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


def final_norm(model: Model, x: np.ndarray) -> np.ndarray:
    """The final layer norm (ln_f) of residual vectors (…, d).

    Example: ``final_norm(load(), np.ones((1, 128), 'f4')).shape`` -> (1, 128)
    """
    ln_f = Norm(model.w["ln_f.weight"], model.w["ln_f.bias"])
    return layer_norm(x, ln_f, model.config.layer_norm_epsilon)


def unembed(model: Model, x: np.ndarray) -> np.ndarray:
    """Logits (…, vocab) of residual vectors (…, d): the final layer norm, then every token's
    row of the embedding table (tied: W_U = wte), one dot product each.

    Example: ``unembed(load(), np.zeros((1, 128), 'f4')).shape`` -> (1, 1024)
    """
    return final_norm(model, x) @ model.w["wte.weight"].T
