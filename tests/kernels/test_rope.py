"""RoPE: rotation pair by pair (as a complex product), the length kept, scores that depend only
on the offset, the wheel agreeing with the rotation, and the widget's demonstration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyodide_kernels.maths.rope import rope, rope_explorer, rope_relative, rope_rotation, rope_wheel


@given(st.integers(-20, 20), st.lists(st.floats(-5, 5), min_size=4, max_size=4))
def test_rope_keeps_length_and_scores_depend_only_on_the_offset(offset, values):
    result = rope_relative(values, values[::-1], offset, 6)
    assert np.allclose(result["scores"], result["scores"][0], atol=1e-9)
    rotated = rope_rotation(values, 5)["rotated"]
    assert np.linalg.norm(rotated) == pytest.approx(np.linalg.norm(values), abs=1e-9)


def test_rope_at_position_zero_changes_nothing_and_offset_zero_is_the_plain_dot():
    q, k = [1.0, 2.0, 3.0, 4.0], [0.5, -1.0, 2.0, 0.0]
    assert rope_rotation(q, 0)["rotated"].tolist() == q
    assert np.allclose(rope_relative(q, k, 0)["scores"], np.dot(q, k))
    assert not np.allclose(rope_relative(q, k, 3)["scores"], np.dot(q, k))  # the gap matters


def test_rope_pairs_adjacent_dimensions_like_a_complex_rotation():
    x = np.random.default_rng(0).normal(size=(5, 8))
    positions = np.arange(5.0)
    theta = 10000 ** (-np.arange(0, 8, 2) / 8)
    as_complex = (x[:, 0::2] + 1j * x[:, 1::2]) * np.exp(1j * positions[:, None] * theta)
    expected = np.stack([as_complex.real, as_complex.imag], axis=-1).reshape(5, 8)
    assert np.allclose(rope(x, positions), expected)
    assert rope(x.astype(np.float32), positions).dtype == np.float32


def test_the_wheel_turns_as_the_rotation_kernel_does():
    wheel = rope_wheel(pair=3, positions=8, d=64)
    for position in range(8):
        vector = [0.0] * 64
        vector[6] = 1.0  # pair 3 is dimensions 6 and 7
        rotated = rope_rotation(vector, position)["rotated"]
        assert wheel["points"][position] == pytest.approx(rotated[6:8], abs=1e-12)
    assert wheel["wavelength"] == pytest.approx(2 * np.pi * 10000 ** (6 / 64))


def test_the_explorer_scores_one_query_and_key_the_same_wherever_they_stand():
    result = rope_explorer(pair=5, offset=3, d=16, seed=4)
    rng = np.random.default_rng(4)
    q, k = rng.normal(size=16), rng.normal(size=16)
    for m, key_at, score in zip(result["m"], result["key_at"], result["scores"], strict=True):
        assert key_at == m + 3
        turned_q = rope(q[None], np.array([float(m)]))[0]
        turned_k = rope(k[None], np.array([float(key_at)]))[0]
        assert score == pytest.approx(turned_q @ turned_k / 4, abs=1e-9)  # ÷ √16
    assert np.ptp(result["scores"]) < 1e-9
    assert abs(result["further"] - result["scores"][0]) > 1e-3  # the distance matters
    assert rope_explorer(offset=0, d=16, seed=4)["scores"][0] == pytest.approx(result["unrotated"])
    wheel = rope_wheel(5, 8, 16)
    np.testing.assert_array_equal(result["wheel"]["points"], wheel["points"])
    assert result["wheel"]["theta"] == wheel["theta"]


def test_the_explorer_matches_pytorchs_rotation_as_complex_numbers():
    torch = pytest.importorskip("torch", reason="the reference extra is not installed")
    result = rope_explorer(offset=2, d=8, seed=1)
    rng = np.random.default_rng(1)
    q, k = (torch.from_numpy(rng.normal(size=8)) for _ in range(2))
    theta = 10000.0 ** (-torch.arange(0, 8, 2, dtype=torch.float64) / 8)

    def turned(x, position):
        pairs = torch.view_as_complex(x.reshape(4, 2).contiguous())
        return torch.view_as_real(
            pairs * torch.polar(torch.ones(4, dtype=torch.float64), position * theta)
        ).flatten()

    for m, score in zip(result["m"], result["scores"], strict=True):
        assert score == pytest.approx(float(turned(q, m) @ turned(k, m + 2)) / np.sqrt(8), abs=1e-9)


def test_odd_widths_are_refused():
    with pytest.raises(ValueError, match="vector: needs an even number"):
        rope_rotation([1, 2, 3], 1)
    with pytest.raises(ValueError, match="k: q and k need the same"):
        rope_relative([1, 2], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="d: must be even"):
        rope_explorer(d=7)
    with pytest.raises(ValueError, match="pair: "):
        rope_explorer(pair=4, d=8)
