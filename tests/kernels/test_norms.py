"""LayerNorm and RMSNorm against PyTorch's definitions, including their eps arguments."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.maths.norms import layer_norm, normalize, rms_norm

from ._compare import DTYPES, SHAPES, close, random


@pytest.mark.parametrize(("dtype", "tolerance"), DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("eps", [1e-5, 1e-2])
def test_norms_match_torch(torch, shape, dtype, tolerance, eps):
    F = torch.nn.functional
    x, gamma, beta = (
        random(shape, 0, dtype),
        random(shape[-1:], 1, dtype),
        random(shape[-1:], 2, dtype),
    )
    t = [torch.from_numpy(a) for a in (x, gamma, beta)]
    expected = F.layer_norm(t[0], shape[-1:], t[1], t[2], eps=eps).numpy()
    close(layer_norm(x, gamma, beta, eps), expected, dtype, tolerance)
    close(
        rms_norm(x, gamma, eps),
        F.rms_norm(t[0], shape[-1:], t[1], eps=eps).numpy(),
        dtype,
        tolerance,
    )
    close(layer_norm(x, eps=eps), F.layer_norm(t[0], shape[-1:], eps=eps).numpy(), dtype, tolerance)


def test_the_widget_entry_point():
    layer = normalize([1, 2, 3, 4], "layer")
    assert np.mean(layer["out"]) == pytest.approx(0, abs=1e-12)
    assert np.std(layer["out"]) == pytest.approx(1, abs=1e-5)  # eps keeps it just under 1
    rms = normalize([3, 4], "rms", eps=0)
    assert rms["rms"] == pytest.approx(12.5**0.5)
    assert np.sqrt(np.mean(np.square(rms["out"]))) == pytest.approx(1)
    with pytest.raises(ValueError, match="kind: expected"):
        normalize([1, 2], "batch")
    with pytest.raises(ValueError, match="eps"):
        normalize([1, 2], eps=-1)
