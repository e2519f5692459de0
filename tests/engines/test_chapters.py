"""One thing a reader does in each chapter, in each engine, checked against what CPython's
kernels compute for the same input: a graded answer, a slider, a text typed, the model
generating, a lab run. The Chromium suite (tests/browser/) checks every widget; this checks
that each chapter's page works at all in Firefox and WebKit.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pyodide_kernels.dispatch import call
from sitebuild.pages.blocks import parse_blocks
from sitebuild.pages.render import pick
from tests.conftest import REPO

from .conftest import python_ready, settled
from .engine import TEXT, Engine, text_becomes, text_of, wait_for

#: Drag a slider (or set any field) the way the browser reports a reader's move: value, then
#: an input event.
SLIDE = """(selector, value) => {
  const field = document.querySelector(selector);
  field.value = value;
  field.dispatchEvent(new Event("input", {bubbles: true}));
  field.dispatchEvent(new Event("change", {bubbles: true}));
}"""


def exercise_answer(chapter: str, name: str) -> float:
    """The number an exercise's kernel gives, as the build computes it (times its ``scale``).

    Example: ``exercise_answer("03-embeddings-and-position.md", "cosine-by-hand")`` -> 0.6667
    """
    lines = (REPO / "content" / chapter).read_text(encoding="utf-8").splitlines()
    (block,) = [b for b in parse_blocks(lines, chapter, 0) if b.name == name]
    result = call(block.params["kernel"], block.params.get("args", {}))
    return pick(result, block.params["answer"]) * block.params.get("scale", 1)


def graded(chapter: str, name: str) -> Callable[[Engine], None]:
    """Answer exercise ``name`` with its kernel's number, then with a wrong one."""

    def act(engine: Engine) -> None:
        exercise = f"#exercise-{name}"
        right = exercise_answer(chapter, name)
        engine.type(f"{exercise} input", f"{right:.10g}")
        engine.click(f"{exercise} [data-action=check-exercise]")
        text_becomes(engine, f"{exercise} [data-feedback]", "Correct.", 10)
        engine.type(f"{exercise} input", f"{right * 3 + 7:.10g}")
        engine.click(f"{exercise} [data-action=check-exercise]")
        wait_for(engine, f"() => ({TEXT})('{exercise} [data-feedback]') !== 'Correct.'", 10)

    return act


def model_generates(engine: Engine) -> None:
    widget = "figure[data-widget=model-playground]"
    python_ready(engine)
    engine.type(f"{widget} [data-prompt]", "JULIET:")
    engine.type(f"{widget} [data-setting=seed]", "7")
    engine.click(f"{widget} [data-action=generate]")
    wait_for(engine, f"() => ({TEXT})('{widget} [data-speed]')?.includes('tokens/s')", 60)
    expected = call(
        "gpt_generate",
        {"prompt": "JULIET:", "max_new_tokens": 60, "temperature": 0.8, "top_k": 40, "seed": 7},
    )
    assert text_of(engine, f"{widget} [data-generated]") == expected["text"].strip()


def text_is_tokenized(engine: Engine) -> None:
    widget = "figure[data-widget=tokenizer-playground]"
    python_ready(engine)
    clear = "(s) => { document.querySelector(s).textContent = ''; }"
    engine.evaluate(clear, f"{widget} [data-bind=count]")
    engine.type(f"{widget} [data-text]", "I like strawberry")
    expected = call("tokenizer_compare", {"text": "I like strawberry"})
    text_becomes(engine, f"{widget} [data-bind=count]", str(expected["count"]))


def quiz_draws_a_new_problem(engine: Engine) -> None:
    widget = "figure[data-widget=softmax-quiz]"
    python_ready(engine)
    engine.click(f"{widget} [data-action=new]")
    wait_for(engine, f"() => document.querySelector('{widget}').dataset.live === 'true'", 60)
    state = engine.evaluate(
        "() => window.hlw.widgets.find((w) => w.root.dataset.widget === 'softmax-quiz').state"
    )
    expected = call("softmax_quiz", {"seed": state["seed"], "size": 3, "logits": None})
    assert state["probs"] == pytest.approx(expected["probs"], rel=1e-9)


def temperature_slides(engine: Engine) -> None:
    widget = "figure[data-widget=decoding-comparator]"
    python_ready(engine)
    engine.evaluate(SLIDE, f"{widget} [data-setting=temperature]", "0.5")
    expected = call("decoding_comparator", {"temperature": 0.5})
    shown = f"{expected['mine']['probs'][0]:.2f}"
    text_becomes(engine, f"{widget} [data-bind='mine.probs.0']", shown)


def lab_runs(engine: Engine) -> None:
    widget = "figure[data-widget=lab-temperature]"
    python_ready(engine)
    engine.type(f"{widget} [data-guess]", "hotter is wilder")
    engine.type(f"{widget} [data-arg=seed]", "4")
    engine.click(f"{widget} [data-action=run-lab]")
    wait_for(engine, f"() => document.querySelector('{widget}').dataset.live === 'true'", 90)
    effect = call("lab_run", {"lab": "temperature", "seed": 4})["effect"]
    shown = text_of(engine, f"{widget} [data-effect]") or ""
    assert f"BASE {effect['base']:.4f}, TWEAK {effect['tweak']:.4f}" in shown


#: chapter page -> what the reader does there
INTERACTIONS: dict[str, Callable[[Engine], None]] = {
    "the-pipeline.html": model_generates,
    "tokenization.html": text_is_tokenized,
    "embeddings-and-position.html": graded("03-embeddings-and-position.md", "cosine-by-hand"),
    "attention-and-the-block.html": quiz_draws_a_new_problem,
    "from-logits-to-a-token.html": temperature_slides,
    "training.html": graded("06-training.md", "ce-by-hand"),
    "inference-and-hardware.html": graded("07-inference-and-hardware.md", "kv-cache-size"),
    "alignment.html": graded("08-alignment.md", "reward-model"),
    "labs.html": lab_runs,
}


@pytest.mark.parametrize("chapter", INTERACTIONS)
def test_a_reader_can_use_each_chapter(tab: Engine, site: str, chapter: str):
    tab.goto(site + chapter)
    settled(tab)
    INTERACTIONS[chapter](tab)
    assert tab.evaluate("() => window.hlwProbe.errors") == []
