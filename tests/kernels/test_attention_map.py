"""The attention heatmap and the residual stream against the PyTorch model: the trace it shows
is PyTorch's, the live NumPy map matches it, and the stream's contributions match forward hooks
on the PyTorch blocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pyodide_kernels.maths.by_hand import attention_by_hand
from pyodide_kernels.model import load
from pyodide_kernels.on_model.attention_map import attention_heatmap, trace_prompts
from pyodide_kernels.on_model.residual import residual_stream

PROMPTS = [p for p in trace_prompts() if p != "meta"]


@pytest.fixture(scope="module")
def torch_model(torch):
    from reference.traces import load_model

    model, _ = load_model(Path("traces"), "cpu")
    return model.eval()


@pytest.mark.parametrize("prompt", PROMPTS[:3])
@pytest.mark.parametrize(("layer", "head"), [(0, 0), (3, 0), (2, 3)])
def test_the_live_map_matches_the_pytorch_trace(prompt, layer, head):
    live = attention_heatmap(prompt, layer, head, source="model")
    recorded = attention_heatmap(prompt, layer, head, source="trace")
    np.testing.assert_allclose(live["weights"], recorded["weights"], atol=1e-5)
    assert recorded["numpy_vs_torch"] < 1e-5
    assert live["tokens"] == recorded["tokens"] == trace_prompts()[prompt]["tokens"]


def test_the_toy_map_is_the_hand_calculation():
    for causal in (False, True):
        toy = attention_heatmap(source="toy", causal=causal)
        hand = attention_by_hand(causal=causal)["dryrun"]["weights"]
        np.testing.assert_array_equal(toy["weights"], hand)
        assert toy["strongest"] == [int(np.argmax(r)) for r in toy["weights"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"source": "model", "prompt": ""}, "type some text"),
        ({"source": "model", "prompt": "word " * 60}, "at most 40 tokens"),
        ({"source": "model", "layer": 9}, "layer"),
        ({"source": "model", "head": -1}, "head"),
        ({"source": "trace", "prompt": "not recorded"}, "recorded only its own prompts"),
        ({"source": "elsewhere"}, "source: one of"),
    ],
)
def test_bad_requests_get_a_message(args, message):
    with pytest.raises(ValueError, match=message):
        attention_heatmap(**args)


def test_the_stream_matches_pytorch_block_by_block(torch, torch_model):
    prompt = "To be, or not to be, that is the"
    ids = load().encode(prompt)
    mids: list = []
    hooks = [
        block.attn.register_forward_hook(lambda _m, _inputs, out: mids.append(out[0]))
        for block in torch_model.h
    ]
    with torch.no_grad():
        _, hidden, _ = torch_model(torch.tensor([ids]), return_hidden=True)
    for hook in hooks:
        hook.remove()
    ours = residual_stream(prompt, position=4)
    for i, block in enumerate(ours["blocks"]):
        attention = mids[i][0, 4]
        mlp = hidden[i + 1][0, 4] - hidden[i][0, 4] - attention
        assert block["attention"] == pytest.approx(float(attention.norm()), rel=1e-4)
        assert block["mlp"] == pytest.approx(float(mlp.norm()), rel=1e-4)
        assert block["after"] == pytest.approx(float(hidden[i + 1][0, 4].norm()), rel=1e-4)
    assert ours["embedding"] == pytest.approx(float(hidden[0][0, 4].norm()), rel=1e-5)


def test_the_last_lens_is_the_models_own_prediction():
    from pyodide_kernels.on_model.next_tokens import gpt_next_tokens

    stream = residual_stream("O Romeo, Romeo, wherefore art")
    assert (
        stream["blocks"][-1]["prediction"]["token"]
        == gpt_next_tokens("O Romeo, Romeo, wherefore art", 1)["top"][0]["token"]
    )
