"""The activation curves: each function against PyTorch's own at every drawn point and at the
reader's input, and the shapes the chapter describes (equal for large inputs, the dip below 0)."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.maths.ffn import activation_curves


def test_the_curves_and_the_reading_match_torch(torch):
    result = activation_curves(at=-0.7)
    x = torch.from_numpy(np.asarray(result["curves"]["x"]))
    F = torch.nn.functional
    for name, reference in (("relu", F.relu), ("gelu", F.gelu), ("silu", F.silu)):
        np.testing.assert_allclose(
            result["curves"][name], reference(x).numpy(), rtol=1e-12, atol=1e-15
        )
        point = reference(torch.tensor([-0.7], dtype=torch.float64)).item()
        assert result["at"][name] == pytest.approx(point, rel=1e-12, abs=1e-15)


def test_the_shapes_the_chapter_describes():
    result = activation_curves(at=3.0)
    at = result["at"]
    assert at["relu"] == 3.0 and at["gelu"] == pytest.approx(3.0, abs=0.01)  # x · Φ(3)
    assert result["floor"] < 0  # GELU and SiLU dip under 0; ReLU never does
    assert min(result["curves"]["relu"]) == 0
    assert activation_curves(at=-1.0)["at"]["gelu"] == pytest.approx(-0.1587, abs=1e-4)


@pytest.mark.parametrize(("args", "field"), [({"at": 9}, "at"), ({"low": 2, "high": 1}, "high")])
def test_a_bad_input_names_its_field(args, field):
    with pytest.raises(ValueError, match=field):
        activation_curves(**args)
