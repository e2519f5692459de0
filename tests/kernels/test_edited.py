"""The reader's edited code (pyodide_kernels/edited.py): it runs in copies of the kernels'
modules, calls the edited helpers (through a module too), names the reader's line when it
fails, leaves the real modules as they were; and each edit a chapter suggests does what the
chapter says it does."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pyodide_kernels.dispatch import call, call_json
from pyodide_kernels.edited import EditedCodeError, run_edited
from pyodide_kernels.model import load
from sitebuild.pages.source import kernel_listing


def listing(kernel: str) -> tuple[list[dict], str]:
    """The functions and the editor's starting text, as the page builds them (code-panel.js)."""
    functions = kernel_listing(kernel).functions
    text = "\n\n".join(f"# {f.path}, line {f.line}\n{f.source.rstrip()}\n" for f in functions)
    return [{"name": f.name, "module": f.module} for f in functions], text


def edited(kernel: str, change: tuple[str, str], args: dict | None = None) -> dict:
    functions, text = listing(kernel)
    assert text.count(change[0]) == 1, change[0]
    return run_edited(kernel, functions, text.replace(*change), args or {})


def test_the_unchanged_listing_computes_what_the_kernel_does():
    for kernel, args in [
        ("softmax_quiz", {"seed": 4}),
        ("score_scaling", {"d_k": 256}),
        ("rope_explorer", {"pair": 3, "offset": 4}),
        ("beam_search_steps", {"table": [[0, 2, 1.8], [1, 1, 1], [3, 0, 0]], "steps": 3}),
    ]:
        functions, text = listing(kernel)
        assert run_edited(kernel, functions, text, args) == call(kernel, args), kernel


def test_an_edited_helper_is_called_and_the_real_module_is_untouched():
    result = edited(
        "softmax_quiz", ('"probs": stable_softmax(x),', '"probs": stable_softmax(2 * x),')
    )
    doubled = np.exp(2 * np.array(result["logits"]))
    assert result["probs"] == pytest.approx((doubled / doubled.sum()).tolist())
    assert result["answer"] == result["probs"][0]
    assert call("softmax_quiz", {})["probs"] != result["probs"]  # the real kernel as before


def test_an_edit_reaches_a_helper_called_through_its_module():
    # model_decoding calls beam.beam_search through the module: the edit must still be seen
    functions = [
        {"name": "beam_search_table", "module": "pyodide_kernels.maths.beam"},
        {"name": "beam_search", "module": "pyodide_kernels.maths.beam"},
    ]
    source = "def beam_search(step, start, width, steps):\n    return [[([9], -1.0)]]\n"
    from pyodide_kernels.maths import beam

    code = __import__("inspect").getsource(beam.beam_search_table) + "\n" + source
    result = run_edited("beam_search_table", functions, code, {"table": [[0, 1], [1, 0]]})
    assert result["best"] == [9]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("def softmax(logits: Any) -> dict[str, Any]:", "def softmax(logits: Any)"),
         r"^line (\d+): SyntaxError: expected ':'$"),
        (('x = as_vector(logits, "logits")', 'x = as_vector(logits, "logits") + nowhere'),
         r"^line \d+, in softmax_quiz → line (\d+), in softmax: NameError: name 'nowhere'"),
        (('x = as_vector(logits, "logits")', "x = 1 / 0"),
         r"^line \d+, in softmax_quiz → line (\d+), in softmax: ZeroDivisionError"),
    ],
)  # fmt: skip
def test_a_mistake_names_the_readers_line(change, message):
    functions, text = listing("softmax_quiz")
    source = text.replace(*change)
    with pytest.raises(EditedCodeError, match=message) as raised:
        run_edited("softmax_quiz", functions, source, {})
    line = int(__import__("re").match(message, str(raised.value)).group(1))
    assert change[1] in source.split("\n")[line - 1]


def test_what_cannot_run_is_refused_with_a_message():
    functions, text = listing("softmax_quiz")
    cases = [
        (("nope", functions, text, {}), "kernel: no kernel named 'nope'"),
        (("run_edited", functions, text, {}), "kernel: no kernel named"),
        (("softmax_quiz", [{"name": "f", "module": "os"}], text, {}), "functions: expected"),
        (("softmax_quiz", functions, "   ", {}), "source: there is no code to run"),
        (("softmax_quiz", functions, "x = 1\n", {}), "must still define softmax_quiz"),
        (("softmax_quiz", functions, text, [1]), "args: expected a JSON object"),
    ]
    for args, message in cases:
        with pytest.raises(EditedCodeError, match=message):
            run_edited(*args)
    answer = json.loads(
        call_json(
            "run_edited",
            json.dumps(
                {"kernel": "softmax_quiz", "functions": functions, "source": "def (", "args": {}}
            ),
        )  # fmt: skip
    )
    assert answer["error"]["type"] == "EditedCodeError"


def test_the_chapters_suggested_edits_do_what_they_say():
    # chapter 4: without ÷√d the "scaled" row saturates as the raw one does
    plain = call("score_scaling", {"d_k": 1024})
    unscaled = edited(
        "score_scaling", ("stable_softmax(scores / math.sqrt(d))", "stable_softmax(scores)"),
        {"d_k": 1024},
    )  # fmt: skip
    assert unscaled["scaled"] == plain["unscaled"] != plain["scaled"]
    # chapter 5: top-p measured on the whole distribution keeps as many tokens or more
    args = {"top_k": 5, "top_p": 0.5}
    before = call("gpt_next_token_choice", args)
    after = edited(
        "gpt_next_token_choice",
        ("top_p_keep(renormalise(probs, keep), top_p)", "top_p_keep(probs, top_p)"), args,
    )  # fmt: skip
    assert after["kept"] > before["kept"]  # 1 token -> 5 on the widget's own prompt


def test_the_suggested_edits_of_chapters_2_3_6_7_and_8_do_what_they_say():
    # chapter 2: merging the rarest pair leaves common words in letters
    common = call("bpe_train", {})
    rarest = edited("bpe_train", ("best = max(live, key=", "best = min(live, key="))
    assert all(
        m["count"] <= c["count"] for m, c in zip(rarest["merges"], common["merges"], strict=True)
    )
    assert rarest["encoded"][0]["tokens"] == list("lowest") != common["encoded"][0]["tokens"]
    # chapter 3: by plain dot product the neighbours are among the table's longest vectors
    plain = ("return (a @ b.T) / np.maximum(na * nb.T, np.finfo(a.dtype).tiny)", "return a @ b.T")
    lengths = np.linalg.norm(load().w["wte.weight"], axis=1)

    def longer_than(neighbours: list[dict]) -> float:
        """The share of the table shorter than the neighbours, on average."""
        return float(np.mean([(lengths < lengths[n["id"]]).mean() for n in neighbours]))

    for word in ("king", "night", "Romeo"):
        by_angle = call("gpt_embedding_explorer", {"text": word})["neighbours"]
        by_dot = edited("gpt_embedding_explorer", plain, {"text": word})["neighbours"]
        assert longer_than(by_dot) > 0.8 > 0.5 > longer_than(by_angle), word
    # chapter 6: losses in bits are log2(e) times the nats, and the probabilities go wrong
    nats = call("teacher_forcing", {})
    bits = edited("teacher_forcing", ("ids[1:])  # (T-1,)\n", "ids[1:]) / np.log(2)\n"))
    assert bits["mean_loss"] == pytest.approx(nats["mean_loss"] / np.log(2))
    assert bits["positions"][0]["prob"] < nats["positions"][0]["prob"]
    # chapter 7: 4 bits multiply the error and raise the loss of the whole model
    functions, text = listing("quantize_matrix")
    four = text.replace("peak / 127", "peak / 7").replace("-127, 127", "-7, 7")
    eight = call("quantize_matrix", {"everything": True})
    fewer = run_edited("quantize_matrix", functions, four, {"everything": True})
    assert fewer["relative_error"] > 10 * eight["relative_error"]
    assert fewer["loss_after"] - eight["loss_before"] > 10 * abs(
        eight["loss_after"] - eight["loss_before"]
    )
    # chapter 8: the same rewards, twice the margin, a surer preference
    plain_margin = call("rlhf_steps", {})["preference"]
    doubled = edited("rlhf_steps", ("    margin = rc - rr\n", "    margin = 2 * (rc - rr)\n"))
    assert doubled["preference"]["probability"] > plain_margin["probability"]
    assert doubled["preference"]["margin"] == pytest.approx(2 * plain_margin["margin"])


def test_chapter_1s_runner_up_edit_leaves_greedy_from_the_first_token():
    args = {"prompt": "ROMEO:", "max_new_tokens": 8}
    greedy = call("gpt_generate", args)
    runner_up = edited(
        "gpt_generate",
        ("return int(np.argmax(logits))", "return int(np.argsort(logits)[-2])"),
        args,
    )
    m = load()
    from pyodide_kernels.model import forward

    second = int(np.argsort(forward(m, m.encode("ROMEO:"))[-1])[-2])
    assert runner_up["ids"][0] == second != greedy["ids"][0]
    assert runner_up["text"] != greedy["text"]


def test_a_labs_own_function_is_edited_through_the_labs_registry():
    from pyodide_kernels.labs.registry import LABS

    listed = kernel_listing("lab_run", "pyodide_kernels.labs.heads.head_ablation").functions
    functions = [{"name": f.name, "module": f.module} for f in listed]
    text = "\n\n".join(f.source for f in listed)
    half = text.replace(
        "result = scaled(model, settings, layer, head, 0.0)",
        "result = scaled(model, settings, layer, head, 0.5)",
    )
    args = {"lab": "head-ablation", "params": {"layer": 3, "head": 0}}
    mine = run_edited("lab_run", functions, half, args)
    scaled_lab = call(
        "lab_run", {"lab": "head-scale", "params": {"layer": 3, "head": 0, "scale": 0.5}}
    )
    assert mine["effect"]["tweak"] == scaled_lab["effect"]["tweak"]  # half a head, both ways
    assert mine["effect"]["tweak"] != call("lab_run", args)["effect"]["tweak"]
    assert LABS["head-ablation"].run.__name__ == "head_ablation"  # the registry itself untouched
    assert call("lab_run", args) == call("lab_run", args)
