"""GELU (exact and tanh), SiLU, the GPT-2 MLP and SwiGLU against PyTorch; erf's precision."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyodide_kernels.maths.ffn import activations, erf, gelu, gelu_tanh, mlp, silu, swiglu

from ._compare import DTYPES, SHAPES, close, random


def test_erf_is_exact_to_double_precision(torch):
    x = np.linspace(-6, 6, 2001)
    assert np.max(np.abs(erf(x) - torch.erf(torch.from_numpy(x)).numpy())) < 1e-15
    assert erf(x.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(("dtype", "tolerance"), DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_activations_match_torch(torch, shape, dtype, tolerance):
    F = torch.nn.functional
    x = random(shape, 3, dtype) * 3
    t = torch.from_numpy(x)
    close(gelu(x), F.gelu(t).numpy(), dtype, tolerance)
    close(gelu_tanh(x), F.gelu(t, approximate="tanh").numpy(), dtype, tolerance)
    close(silu(x), F.silu(t).numpy(), dtype, tolerance)


@pytest.mark.parametrize(("dtype", "tolerance"), DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("approximate", [True, False])
def test_gelu_mlp_and_swiglu_match_torch(torch, shape, dtype, tolerance, approximate):
    F = torch.nn.functional
    x = random(shape, 4, dtype)
    d, h = shape[1], 4 * shape[1]
    # weights are scaled so outputs stay near 1, where a float32 bound of 1e-4 is meaningful
    w1, w2 = random((d, h), 5, dtype) / math.sqrt(d), random((h, d), 6, dtype) / math.sqrt(h)
    b1, b2 = random((h,), 7, dtype), random((d,), 8, dtype)
    t = {k: torch.from_numpy(v) for k, v in dict(x=x, w1=w1, w2=w2, b1=b1, b2=b2).items()}
    hidden = F.gelu(t["x"] @ t["w1"] + t["b1"], approximate="tanh" if approximate else "none")
    expected = (hidden @ t["w2"] + t["b2"]).numpy()
    close(mlp(x, w1, b1, w2, b2, approximate), expected, dtype, tolerance)
    w_gate, w_up = random((d, h), 9, dtype) / math.sqrt(d), random((d, h), 10, dtype) / math.sqrt(d)
    tg, tu = torch.from_numpy(w_gate), torch.from_numpy(w_up)
    expected = ((F.silu(t["x"] @ tg) * (t["x"] @ tu)) @ t["w2"]).numpy()
    close(swiglu(x, w_gate, w_up, w2), expected, dtype, tolerance)


def test_the_plotting_entry_point():
    curves = activations([-1, 0, 1])
    assert np.round(curves["gelu"], 3).tolist() == [-0.159, 0.0, 0.841]
    assert curves["relu"].tolist() == [0, 0, 1]
    assert np.max(np.abs(curves["gelu"] - curves["gelu_tanh"])) < 1e-3
    with pytest.raises(ValueError, match="^x"):
        activations([])
