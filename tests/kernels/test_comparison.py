"""The side-by-side kernel (on_model/comparison.py): its parameter parts add up, its cache size
is the cache's and the GQA formula's, its held-out loss is PyTorch's, its long-context ways obey
their invariants (a sliding window over RoPE is the same as a fresh run of the last 128 tokens),
and the heads it finds are the ones PyTorch recorded."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pyodide_kernels.dispatch import call
from pyodide_kernels.model import MODELS, load_named, record
from pyodide_kernels.model.hooks import AttentionWindow, Hooks
from pyodide_kernels.on_model import comparison
from pyodide_kernels.on_model.calibration import heldout
from tests.conftest import REPO


@pytest.fixture(scope="module")
def result() -> dict:
    return call("model_comparison", {})


def test_parts_add_up_and_the_designs_differ_where_they_should(result):
    gpt2, llama = result["models"]
    for m in (gpt2, llama):
        assert sum(m["parts"].values()) == m["parameters"] == load_named(m["name"]).parameters()
    assert llama["parts"]["positions"] == 0 and gpt2["parts"]["positions"] == 128 * 128
    assert llama["parts"]["norms"] * 2 == gpt2["parts"]["norms"]  # RMSNorm: a gain, no bias
    assert (gpt2["design"]["kv_heads"], llama["design"]["kv_heads"]) == (4, 2)
    assert "speed" not in gpt2 and result["measured"] is False


def test_the_cache_size_is_the_caches_and_the_formula(result):
    for m in result["models"]:
        c = load_named(m["name"]).config
        formula = call(
            "kv_cache_bytes",
            {"layers": c.n_layer, "n_head": c.n_head, "n_kv_head": c.kv_heads,
             "head_dim": c.head_size, "tokens": 1, "bytes_per_number": 4},
        )  # fmt: skip
        assert m["kv_bytes_per_token"] == formula["bytes"]["GQA"]
    assert (
        result["models"][0]["kv_bytes_per_token"] == 2 * result["models"][1]["kv_bytes_per_token"]
    )


def test_the_heldout_loss_is_pytorchs(result, torch, transformers):
    from reference.traces import load_model

    ids = torch.tensor([w["ids"] for w in heldout()["windows"]])  # (W, 129)
    for m in result["models"]:
        folder = REPO / MODELS[m["name"]][0].rsplit("/", 1)[0]
        model = load_model(folder, "cpu")[0]
        with torch.no_grad():
            logits = model(ids[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), ids[:, 1:].flatten())
        assert m["heldout_loss"] == pytest.approx(loss.item(), abs=1e-4)


def test_the_long_context_ways_keep_their_invariants(result):
    gpt2, llama = (m["long_context"] for m in result["models"])
    assert "context window" in gpt2["one_context"]["refused"]
    assert "refused" in gpt2["sliding_window"]
    # the first 128 positions are the same run, whichever way
    firsts = {
        w: llama[w]["stretches"][0] for w in ("one_context", "sliding_window", "separate_windows")
    }
    assert max(firsts.values()) - min(firsts.values()) < 1e-9
    assert len(llama["one_context"]["stretches"]) == result["long_tokens"] // result["stretch"]
    # RoPE sees only offsets: in the first block, a query's sliding window of 128 keys weighs
    # them as a fresh run of those 128 tokens does (deeper blocks differ: their keys' own
    # windows reached further back)
    model = load_named("llama")
    ids = comparison.long_windows()[0][:512]
    slid = record(model, ids, Hooks(window=AttentionWindow(128)))[1].attn[0]  # (nh, T, T)
    for p in (200, 311, 511):
        fresh = record(model, ids[p - 127 : p + 1])[1].attn[0][:, -1]  # (nh, 128)
        np.testing.assert_allclose(slid[:, p, p - 127 : p + 1], fresh, atol=1e-4)
        assert slid[:, p, : p - 127].max() == 0


def test_the_heads_are_the_ones_pytorch_recorded(result):
    for m in result["models"]:
        trace = json.loads((REPO / comparison.INDUCTION[m["name"]]).read_text())
        best = m["heads"]["induction"]
        assert (best["layer"], best["head"]) == (
            trace["induction_head"]["layer"],
            trace["induction_head"]["head"],
        )
        scores = np.asarray(m["heads"]["induction_scores"])
        assert scores.shape == (4, 4) and 0 < scores.max() <= 1
        assert m["heads"]["previous_token"]["score"] > 0.5


def test_measuring_times_both_and_a_bad_flag_is_refused():
    timed = call("model_comparison", {"measure": True})["models"]
    assert [m["name"] for m in timed] == ["gpt2", "llama"]
    assert all(m["speed"]["tokens"] == 120 and m["speed"]["tokens_per_second"] > 0 for m in timed)
    with pytest.raises(ValueError, match="measure"):
        call("model_comparison", {"measure": "yes"})
