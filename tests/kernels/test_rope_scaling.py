"""RoPE scaling: the inverse frequencies and attention factor against Hugging Face transformers'
own ``ROPE_INIT_FUNCTIONS`` ('linear', 'dynamic', 'yarn'), the methods' invariants (factor 1 is
plain RoPE; linear at s·m is plain at m; NTK keeps the fastest pair and slows the slowest by s;
YaRN keeps fast pairs and interpolates slow ones by s), the relative property under every
method, the widget's summary for this site's head, and readable errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyodide_kernels.maths.rope import rope, rope_relative
from pyodide_kernels.maths.rope_scaling import (
    METHODS,
    attention_factor,
    correction_pair,
    dynamic_scale,
    inverse_frequencies,
    linear_frequencies,
    ntk_base,
    ntk_frequencies,
    plain_frequencies,
    rope_scaling,
    rotate_pairs,
    yarn_frequencies,
    yarn_ramp,
)

#: (d, base, factor, original context): this site's head, Llama-like heads, odd factors.
SETTINGS = [
    (32, 10000.0, 4.0, 128),
    (64, 10000.0, 2.0, 2048),
    (128, 500000.0, 8.0, 8192),
    (16, 10000.0, 3.5, 512),
    (128, 10000.0, 16.0, 4096),
]
HF_TOLERANCE = 2e-6  # relative: HF computes in float32


@pytest.fixture(scope="module")
def hf():
    """A function (rope_type, d, base, factor, context, seq_len) -> HF's (inv_freq, attention)."""
    transformers = pytest.importorskip(
        "transformers", reason="Hugging Face transformers is the reference for RoPE scaling"
    )
    from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS

    def compute(rope_type, d, base, factor, context, seq_len=None, **extra):
        parameters = {"rope_type": rope_type, "factor": factor, "rope_theta": base, **extra}
        if rope_type == "yarn":
            parameters["original_max_position_embeddings"] = context
        config = transformers.LlamaConfig(
            hidden_size=4 * d,
            num_attention_heads=4,
            head_dim=d,
            max_position_embeddings=context,
            rope_parameters=parameters,
        )
        inv_freq, scale = ROPE_INIT_FUNCTIONS[rope_type](config, seq_len=seq_len)
        return inv_freq.double().numpy(), float(scale)

    return compute


@pytest.mark.parametrize(("d", "base", "factor", "context"), SETTINGS)
def test_linear_matches_hugging_face(hf, d, base, factor, context):
    expected, scale = hf("linear", d, base, factor, context)
    assert linear_frequencies(d, base, factor) == pytest.approx(expected, rel=HF_TOLERANCE)
    assert attention_factor("linear", factor) == pytest.approx(scale) == 1.0


@pytest.mark.parametrize(("d", "base", "factor", "context"), SETTINGS)
def test_yarn_matches_hugging_face(hf, d, base, factor, context):
    expected, scale = hf("yarn", d, base, factor, context)
    assert yarn_frequencies(d, base, factor, context) == pytest.approx(expected, rel=HF_TOLERANCE)
    assert attention_factor("yarn", factor) == pytest.approx(scale, rel=1e-12)


@pytest.mark.parametrize(("fast", "slow"), [(16.0, 2.0), (64.0, 0.5)])
def test_yarn_with_other_betas_matches_hugging_face(hf, fast, slow):
    expected, _ = hf("yarn", 64, 10000.0, 4.0, 1024, beta_fast=fast, beta_slow=slow)
    ours = yarn_frequencies(64, 10000.0, 4.0, 1024, fast, slow)
    assert ours == pytest.approx(expected, rel=HF_TOLERANCE)


@pytest.mark.parametrize(("d", "base", "factor", "context"), SETTINGS)
def test_dynamic_ntk_is_ntk_at_hugging_faces_effective_scale(hf, d, base, factor, context):
    # At T = s·L, HF's dynamic NTK uses the scale s² − s + 1, not s …
    seq_len = int(factor * context)
    expected, scale = hf("dynamic", d, base, factor, context, seq_len=seq_len)
    effective = dynamic_scale(factor, seq_len, context)
    assert effective == pytest.approx(factor * factor - factor + 1)
    assert ntk_frequencies(d, base, effective) == pytest.approx(expected, rel=HF_TOLERANCE)
    assert scale == 1.0
    # … and with HF's factor 1 at T = s·L, it is exactly this kernel's NTK-aware scale s.
    expected, _ = hf("dynamic", d, base, 1.0, context, seq_len=seq_len)
    assert ntk_frequencies(d, base, factor) == pytest.approx(expected, rel=HF_TOLERANCE)


def test_dynamic_ntk_changes_nothing_within_the_training_context(hf):
    expected, _ = hf("dynamic", 32, 10000.0, 4.0, 128, seq_len=100)
    assert dynamic_scale(4.0, 100, 128) == 1.0
    assert plain_frequencies(32) == pytest.approx(expected, rel=HF_TOLERANCE)


def test_plain_frequencies_are_the_ones_rope_turns_by():
    x = np.zeros((1, 32))
    x[0, 0::2] = 1.0  # (1, 0) in every pair
    turned = rope(x, np.array([1.0]))  # one position: each pair turns by θ_i
    assert np.arctan2(turned[0, 1::2], turned[0, 0::2]) == pytest.approx(plain_frequencies(32))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("d", "base", "_", "context"), SETTINGS)
def test_factor_one_is_plain_rope_for_every_method(method, d, base, _, context):
    ours = inverse_frequencies(method, d, base, 1.0, context)
    assert ours == pytest.approx(plain_frequencies(d, base), rel=1e-12)
    assert attention_factor(method, 1.0) == 1.0


@pytest.mark.parametrize(("d", "base", "factor", "context"), SETTINGS)
def test_linear_at_s_times_m_is_plain_at_m(d, base, factor, context):
    m = np.arange(0.0, context, 7.0)  # (M,)
    stretched = (factor * m)[:, None] * linear_frequencies(d, base, factor)  # (M, d/2)
    assert stretched == pytest.approx(m[:, None] * plain_frequencies(d, base), rel=1e-12)


@pytest.mark.parametrize(("d", "base", "factor", "context"), SETTINGS)
def test_ntk_keeps_the_fastest_pair_and_slows_the_slowest_by_s(d, base, factor, context):
    theta, ntk = plain_frequencies(d, base), ntk_frequencies(d, base, factor)
    assert ntk[0] == theta[0] == 1.0
    assert theta[-1] / ntk[-1] == pytest.approx(factor, rel=1e-12)
    stretch = theta / ntk
    assert np.all(np.diff(stretch) > 0)  # slower and slower, pair by pair, from 1 to s
    assert ntk_base(d, base, factor) == pytest.approx(base * factor ** (d / (d - 2)))


@pytest.mark.parametrize(("d", "base", "factor", "context"), SETTINGS)
def test_yarn_keeps_high_frequencies_and_interpolates_low_ones_by_s(d, base, factor, context):
    theta = plain_frequencies(d, base)
    yarn = yarn_frequencies(d, base, factor, context)
    turns = theta * context / (2 * np.pi)  # (d/2,) over the training context
    fast, slow = turns >= 32, turns <= 1
    assert yarn[fast] == pytest.approx(theta[fast], rel=1e-12)
    assert yarn[slow] == pytest.approx(theta[slow] / factor, rel=1e-12)
    assert np.all(yarn <= theta * (1 + 1e-12)) and np.all(yarn >= theta / factor * (1 - 1e-12))
    assert np.all(np.diff(yarn_ramp(d, base, context)) >= 0)  # kept → blended → interpolated


def test_yarn_on_this_sites_head_by_hand():
    # Pair i makes 128 / (2π · 10000^(i/16)) turns over 128 positions: 32 turns falls before
    # pair 0 (so the ramp starts at 0) and 1 turn at pair 5.24, rounded out to 6.
    assert correction_pair(32, 32, 10000, 128) == pytest.approx(-0.7845, abs=1e-4)
    assert correction_pair(1, 32, 10000, 128) == pytest.approx(5.2361, abs=1e-4)
    assert yarn_ramp(32, 10000, 128)[:7] == pytest.approx([0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1])
    assert (
        attention_factor("yarn", 4)
        == pytest.approx(0.1 * math.log(4) + 1)
        == pytest.approx(1.1386, abs=1e-4)
    )


@pytest.mark.parametrize("method", METHODS)
def test_scores_still_depend_only_on_the_offset(method):
    rng = np.random.default_rng(3)
    q, k = rng.normal(size=32), rng.normal(size=32)
    inv_freq = inverse_frequencies(method, 32, 10000.0, 4.0, 128)
    starts = np.arange(0.0, 500.0, 37.0)  # (M,) well past the training context
    for offset in (0, 1, 5, 200):
        turned_q = rotate_pairs(np.tile(q, (starts.size, 1)), starts, inv_freq)  # (M, 32)
        turned_k = rotate_pairs(np.tile(k, (starts.size, 1)), starts + offset, inv_freq)
        scores = np.sum(turned_q * turned_k, axis=1)  # (M,)
        assert np.ptp(scores) < 1e-9


def test_rotate_pairs_with_plain_frequencies_is_rope():
    x = np.random.default_rng(1).normal(size=(6, 16))
    positions = np.arange(6.0) * 3
    assert rotate_pairs(x, positions, plain_frequencies(16)) == pytest.approx(rope(x, positions))
    assert rotate_pairs(x, positions, plain_frequencies(16, 500.0)) == pytest.approx(
        rope(x, positions, 500.0)
    )
    # and the relative score matches rope.py's own demonstration
    q, k = [1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 1.0]
    ours = (
        rotate_pairs(np.array([q]), np.array([0.0]), plain_frequencies(4))
        @ rotate_pairs(np.array([k]), np.array([2.0]), plain_frequencies(4)).T
    )
    assert ours[0, 0] == pytest.approx(rope_relative(q, k, 2)["scores"][0])


def test_the_kernel_on_this_sites_head():
    result = rope_scaling()
    assert result["methods"] == list(METHODS) and result["method"] == "yarn"
    assert result["pairs"].tolist() == list(range(16))
    assert result["extended_context"] == 512
    by = result["by_method"]
    # Plain RoPE: pairs 6–15 never made a full turn in 128 positions and turn ~4× further at 512.
    assert by["none"]["summary"]["unseen"] == list(range(6, 16))
    assert by["none"]["summary"]["slowest_angle_extended"] == pytest.approx(
        by["none"]["summary"]["slowest_angle_trained"] * 511 / 127
    )
    # Linear: nothing unseen, but neighbours on the fastest pair are 4× closer (1 → 0.25 rad).
    assert by["linear"]["summary"]["unseen"] == []
    assert by["linear"]["summary"]["fastest_step_ratio"] == pytest.approx(0.25)
    assert by["linear"]["turns_extended"] == pytest.approx(result["turns_trained"])
    # NTK: pair 0 keeps its step and the last pair stays in range, but the middle ones overshoot.
    assert by["ntk"]["summary"]["fastest_step_ratio"] == 1.0
    assert by["ntk"]["summary"]["unseen"] == list(range(6, 15))
    # YaRN: pair 0 kept, pairs 1–5 blended, 6–15 interpolated; nothing unseen; step kept.
    yarn = by["yarn"]["summary"]
    assert (yarn["kept"], yarn["interpolated"], yarn["unseen"]) == (1, 10, [])
    assert yarn["fastest_step_ratio"] == 1.0
    assert by["yarn"]["attention_factor"] == pytest.approx(1.1386, abs=1e-4)
    assert result["selected"] == yarn
    for table in by.values():
        assert table["wavelength"] * table["inv_freq"] == pytest.approx(np.full(16, 2 * np.pi))


def test_the_kernel_shows_a_few_pairs_of_a_large_head_but_sums_up_all():
    result = rope_scaling(method="ntk", d=128, pairs=8, original_context=4096)
    assert result["pairs"][0] == 0 and result["pairs"][-1] == 63 and len(result["pairs"]) == 8
    assert len(result["by_method"]["ntk"]["inv_freq"]) == 8
    assert result["selected"] == result["by_method"]["ntk"]["summary"]
    assert result["by_method"]["linear"]["summary"]["interpolated"] == 64


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"method": "rope2"}, "method: expected one of none, linear, ntk, yarn"),
        ({"method": 3}, "method: expected one of"),
        ({"d": 31}, "d: must be even"),
        ({"d": 2}, "d: must be at least 4"),
        ({"base": 1}, "base: must be greater than 1"),
        ({"factor": 0.5}, "factor: must be between 1"),
        ({"original_context": 1}, "original_context: must be at least 2"),
        ({"beta_fast": 1, "beta_slow": 2}, "beta_slow: must be below beta_fast"),
        ({"pairs": "many"}, "pairs: expected an integer"),
    ],
)
def test_bad_input_gives_a_readable_error(args, message):
    with pytest.raises(ValueError, match=message):
        rope_scaling(**args)
    with pytest.raises(ValueError, match="method: expected one of"):
        inverse_frequencies("dynamic")
