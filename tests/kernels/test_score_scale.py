"""Why attention divides by √d_k: raw scores of random unit-variance vectors have variance d_k,
softmax of them saturates as d_k grows while the scaled one does not, and the scaled weights
are PyTorch's own scaled dot-product attention's."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyodide_kernels.maths.score_scale import score_scaling

SEEDS = range(60)


def test_raw_scores_have_variance_d_k():
    for d in (4, 64, 1024):
        scores = np.concatenate([score_scaling(d, 8, s)["scores"] for s in SEEDS])
        assert scores.var() == pytest.approx(d, rel=0.2), d


def test_softmax_saturates_without_the_scale_and_not_with_it():
    def mean_largest(d: int, which: str) -> float:
        return float(np.mean([score_scaling(d, 8, s)[which]["largest"] for s in SEEDS]))

    raw = [mean_largest(d, "unscaled") for d in (1, 16, 256, 4096)]
    assert raw == sorted(raw) and raw[-1] > 0.95
    scaled = [mean_largest(d, "scaled") for d in (1, 16, 256, 4096)]
    assert max(scaled) - min(scaled) < 0.15 and max(scaled) < 0.6


def test_the_scaled_weights_are_pytorchs_scaled_dot_product_attention(torch):
    for d, seed in ((8, 1), (512, 2)):
        result = score_scaling(d, 6, seed)
        rng = np.random.default_rng(seed)  # the kernel's own draws, made again
        q, k = rng.standard_normal(d), rng.standard_normal((6, d))
        weights = torch.nn.functional.scaled_dot_product_attention(
            torch.tensor(q[None, None]),
            torch.tensor(k[None]),
            torch.eye(6, dtype=torch.float64)[None],
        )[0, 0]
        np.testing.assert_allclose(result["scaled"]["weights"], weights.numpy(), rtol=1e-10)
        raw = torch.softmax(torch.tensor(k @ q), -1).numpy()
        np.testing.assert_allclose(result["unscaled"]["weights"], raw, rtol=1e-10)
        assert result["scale"] == 1 / math.sqrt(d)


def test_one_dimension_needs_no_scale_and_entropies_stay_in_range():
    result = score_scaling(1, 6, 3)
    np.testing.assert_allclose(result["scaled"]["weights"], result["unscaled"]["weights"])
    for which in ("unscaled", "scaled"):
        assert 0 <= result[which]["entropy"] <= result["uniform_entropy"] + 1e-12


@pytest.mark.parametrize(
    ("args", "reason"), [({"d_k": 0}, "d_k"), ({"keys": 1}, "keys"), ({"seed": -1}, "seed")]
)
def test_bad_settings_name_the_argument(args, reason):
    with pytest.raises(ValueError, match=reason):
        score_scaling(**args)
