"""The inference chapter's kernels: the KV cache's accounting and timings, the recorded
throughputs, the cited GPU table, and five decoding rules on the real model, checked against
the traces, the cost kernel and the model's own generation."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from pyodide_kernels.maths.costs import kv_cache_costs
from pyodide_kernels.model import forward, generate_ids, load
from pyodide_kernels.on_model.hardware import (
    gpu_specs,
    kv_cache_story,
    matmul_story,
    time_generation,
)
from pyodide_kernels.on_model.model_decoding import beam_search, model_decoding


def test_the_story_counts_work_for_the_real_models_size():
    story = kv_cache_story(6, 10)
    m = load()
    expected = kv_cache_costs(6, 10, m.d, m.n_layer, 4, m.config.n_inner)
    for key, value in expected.items():
        np.testing.assert_array_equal(story["costs"][key], value)
    assert story["saving"] == story["costs"]["total_without"] / story["costs"]["total_with"] > 1
    recorded = {(r["device"], r["length"]) for r in story["recorded"]}
    assert ("cpu", 16) in recorded and ("cuda", 16) in recorded


def test_cached_and_uncached_generation_write_the_same_text_and_the_cache_is_faster():
    fast = time_generation("KING HENRY:", 24, True)
    slow = time_generation("KING HENRY:", 24, False)
    assert fast["text"] == slow["text"]
    assert fast["tokens_per_second"] > slow["tokens_per_second"]


def test_recorded_throughputs_are_the_traces_best_rows():
    story = matmul_story(8, 4)
    cpu = json.load(open("traces/matmul_cpu.json"))
    assert story["cpu"]["gflops"] == max(
        r["gflops"] for r in cpu["rows"] if r["dtype"] == "float32"
    )
    assert story["schedule"]["cpu_ticks"] == 8 and story["schedule"]["gpu_ticks"] == 2
    assert story["ratio_bf16"] > story["ratio_fp32"] > 1


def test_every_gpu_is_cited_and_growth_is_first_to_last():
    specs = gpu_specs()
    names = [g["name"] for g in specs["gpus"]]
    assert names == ["V100", "A100", "H100", "H200", "B200"]
    assert all(g["source"]["url"].startswith("https://") for g in specs["gpus"])
    assert specs["growth"]["memory_gb"] == pytest.approx(180 / 32)
    assert 0.3 < specs["measured"]["share_of_datasheet"] < 1.0


def test_greedy_and_beam_of_width_one_agree_and_sampling_follows_the_seed():
    m = load()
    ids = m.encode("First Citizen:")
    assert beam_search(m, ids, 6, 1) == generate_ids(m, ids, 6)
    one = model_decoding("First Citizen:", 12, seed=5)
    again = model_decoding("First Citizen:", 12, seed=5)
    other = model_decoding("First Citizen:", 12, seed=6)
    assert one == again
    assert one["rows"][0] == other["rows"][0] and one["rows"][4] == other["rows"][4]
    assert [r["text"] for r in one["rows"][1:4]] != [r["text"] for r in other["rows"][1:4]]


def test_beam_search_finds_a_sequence_at_least_as_probable_as_greedy():
    m = load()
    ids = m.encode("ROMEO:")

    def total(new):
        logits = forward(m, ids + new)
        z = logits.astype(np.float64)
        logp = z - z.max(-1, keepdims=True)
        logp -= np.log(np.exp(logp).sum(-1, keepdims=True))
        return sum(logp[len(ids) - 1 + i, t] for i, t in enumerate(new))

    assert total(beam_search(m, ids, 10, 3)) >= total(generate_ids(m, ids, 10)) - 1e-9


@pytest.mark.parametrize(
    ("args", "message"),
    [({"prompt": ""}, "prompt"), ({"temperature": 0}, "above 0"), ({"beam": 9}, "beam")],
)
def test_bad_settings_get_a_message(args, message):
    with pytest.raises(ValueError, match=message):
        model_decoding(**args)


def test_mean_logprobs_are_log_probabilities():
    for row in model_decoding("O Romeo", 8)["rows"]:
        assert row["mean_logprob"] <= 0 and math.isfinite(row["mean_logprob"])
