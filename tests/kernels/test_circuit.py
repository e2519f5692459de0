"""The induction circuit of the shipped model, found from its weights: the previous-token head
and the induction head lead their scores, zeroing the induction head ruins copying (by more than
5 nats on the second copy) and zeroing the previous-token head harms it too; the roles are
checked against attention computed independently from the weights."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.labs.checkpoints import SHIPPED, checkpoint_model
from pyodide_kernels.labs.registry import lab_run
from pyodide_kernels.labs.roles import (
    LENGTH,
    head_roles,
    induction_scores,
    previous_token_scores,
    repeated_tokens,
)
from pyodide_kernels.model import load


def test_scores_read_the_right_cells_of_a_hand_made_pattern():
    length = 3
    attention = np.zeros((1, 2, 2 * length, 2 * length))
    t = np.arange(1, 2 * length)
    attention[0, 0, t, t - 1] = 1.0  # head 0 looks one back
    q = np.arange(length, 2 * length)
    attention[0, 1, q, q - length + 1] = 1.0  # head 1 looks at the token after the first copy
    assert previous_token_scores(attention).tolist() == [[1.0, 0.0]]
    assert induction_scores(attention, length).tolist() == [[0.0, 1.0]]


def test_the_repeated_sequence_is_one_span_twice():
    ids = repeated_tokens(1024, 5, 7)
    assert ids[:5] == ids[5:] and min(ids) >= 256


def test_zeroing_the_induction_head_ruins_copying_and_the_previous_token_head_harms_it():
    roles = head_roles(load())
    ind, prev = roles["induction_head"], roles["previous_token_head"]
    assert (ind["layer"], ind["head"]) != (prev["layer"], prev["head"])
    assert prev["layer"] < ind["layer"]  # the note is written before it is read
    induction = lab_run("induction-circuit", params={"layer": ind["layer"], "head": ind["head"]})
    previous = lab_run("induction-circuit", params={"layer": prev["layer"], "head": prev["head"]})
    assert induction["effect"]["tweak"] - induction["effect"]["base"] >= 5.0
    assert previous["effect"]["tweak"] > previous["effect"]["base"] + 0.5
    assert induction["circuit"]["real"]["tweak"] > induction["circuit"]["real"]["base"]
    assert induction["circuit"]["most_damaging"]["layer"] == ind["layer"]
    assert induction["circuit"]["most_damaging"]["head"] == ind["head"]


def test_the_roles_agree_with_pytorchs_attention():
    torch = pytest.importorskip("torch", reason="the PyTorch reference is optional")
    from reference.model import GPT, GPTConfig

    m = load()
    config = GPTConfig(**{k: getattr(m.config, k) for k in GPTConfig.__dataclass_fields__})
    model = GPT.from_arrays(m.w, config).eval()
    rows = torch.tensor([repeated_tokens(m.vocab_size, LENGTH, s) for s in (1, 2, 3)])
    with torch.no_grad():
        _, _, attn = model(rows, return_hidden=True)
    patterns = torch.stack(attn, 1).numpy()  # (rows, L, nh, T, T)
    roles = head_roles(m, seeds=(1, 2, 3))
    np.testing.assert_allclose(roles["induction"], induction_scores(patterns, LENGTH), atol=1e-5)
    np.testing.assert_allclose(roles["previous_token"], previous_token_scores(patterns), atol=1e-5)


def test_a_lab_runs_on_a_shipped_checkpoint_and_refuses_another_step():
    early = lab_run("induction", checkpoint=SHIPPED[0])
    assert early["checkpoint"] == SHIPPED[0]
    assert early["effect"] != lab_run("induction")["effect"]
    assert checkpoint_model(SHIPPED[0]).parameters() == load().parameters()
    with pytest.raises(ValueError, match="checkpoint: one of"):
        lab_run("induction", checkpoint=SHIPPED[0] + 1)
