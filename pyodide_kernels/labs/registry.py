"""The labs' registry: every lab once, with its title, the question the reader answers before
running it, the function that runs it and its parameters' defaults, and the settings every lab
shares (the prompt, seed and sampling of both sides). The page (``lab_run`` through the dispatch,
``lab_list`` for the widget registry) and the command line read only this.

References: seed 000's list of labs. Leaves out: labs that train anything.

Example: ``LABS["induction"].params`` -> {'length': 24}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..model import load
from .bias import style_bias
from .common import check_settings_for
from .decoding import compare_temperatures, reproducibility
from .embedding_slice import zero_embeddings
from .heads import head_ablation, head_scale
from .induction import induction
from .lens import logit_lens
from .neurons import nudge_neuron
from .noise import residual_noise
from .patching import patching
from .positions import boost_positions
from .weights import weight_matrix

__kernels__ = ("lab_run", "lab_list")


@dataclass(frozen=True)
class Shared:
    """What both sides of every lab generate with, unless the reader changes it."""

    prompt: str = "ROMEO:"
    seed: int = 1
    tokens: int = 30  # new tokens on each side
    temperature: float = 0.8
    top_k: int = 40


SHARED = Shared()


@dataclass(frozen=True)
class Lab:
    """One lab: what it changes, the question the reader answers before running, its defaults."""

    title: str
    question: str
    run: Callable[..., dict[str, Any]]
    params: dict[str, Any] = field(default_factory=dict)


LABS: dict[str, Lab] = {
    "weight-matrix": Lab(
        "Look at a weight matrix",
        "Will two heads of the same layer have weights of a similar size?",
        weight_matrix,
        {"layer": 0, "head": 1, "matrix": "q"},
    ),
    "head-ablation": Lab(
        "Zero one attention head",
        "Which layer's heads will hurt the loss most when removed?",
        head_ablation,
        {"layer": 3, "head": 0},
    ),
    "head-scale": Lab(
        "Scale one head's output",
        "Doubling a head: more of its skill, or just noise?",
        head_scale,
        {"layer": 3, "head": 0, "scale": 2.0},
    ),
    "nudge-neuron": Lab(
        "Nudge one MLP neuron",
        "Will one neuron out of thousands change the next word?",
        nudge_neuron,
        {"layer": 3, "index": 7, "add": 10.0},
    ),
    "zero-embeddings": Lab(
        "Zero a slice of the token embeddings",
        "How much of each vector can go before the text falls apart?",
        zero_embeddings,
        {"fraction": 0.25},
    ),
    "patching": Lab(
        "Activation patching",
        "Where in the network does the name that changes the answer live?",
        patching,
        {
            "clean": "Enter HAMLET and HORATIO.\nHAMLET.\nHow now, HORATIO! HAMLET.\nHow now,",
            "corrupted": "Enter HAMLET and HORATIO.\nHAMLET.\nHow now, OPHELIA! HAMLET.\nHow now,",
        },
    ),
    "residual-noise": Lab(
        "Noise in the residual stream",
        "Is the stream more fragile early or late?",
        residual_noise,
        {"layer": 1, "scale": 2.0},
    ),
    "boost-positions": Lab(
        "Boost the positional encodings",
        "Will louder positions help or hurt alternating speakers?",
        boost_positions,
        {"scale": 3.0},
    ),
    "temperature": Lab(
        "Compare temperatures",
        "How many different texts will three seeds give at T = 0? At T = 1.2?",
        compare_temperatures,
        {"temperature": 1.2, "top_k": 40, "seeds": 3},
    ),
    "logit-lens": Lab(
        "The logit lens", "Does the first layer already guess the right next token?", logit_lens, {}
    ),
    "style-bias": Lab(
        "Style bias on one token",
        "A bias of 3 on the comma: how much more often will it appear?",
        style_bias,
        {"token": ",", "bias": 3.0},
    ),
    "reproducibility": Lab(
        "Reproducibility",
        "Same seed twice: same text? A fresh seed?",
        reproducibility,
        {"fresh_seed": 2},
    ),
    "induction": Lab(
        "Induction heads",
        "Can a model predict random tokens the second time it sees them?",
        induction,
        {"length": 24},
    ),
}


def lab_list() -> dict[str, Any]:
    """Every lab with its title, question and default parameters, the function that runs it
    (``code``, which its code panel lists), and the shared settings.

    Example: ``lab_list()["labs"][0]["code"]`` -> 'pyodide_kernels.labs.weights.weight_matrix'
    """
    return {
        "labs": [
            {
                "name": n,
                "title": lab.title,
                "question": lab.question,
                "params": lab.params,
                "code": f"{lab.run.__module__}.{lab.run.__name__}",
            }
            for n, lab in LABS.items()
        ],  # fmt: skip
        "shared": asdict(SHARED),
    }


def lab_run(
    lab: Any = "head-ablation",
    prompt: Any = SHARED.prompt,
    seed: Any = SHARED.seed,
    tokens: Any = SHARED.tokens,
    temperature: Any = SHARED.temperature,
    top_k: Any = SHARED.top_k,
    params: Any = None,
) -> dict[str, Any]:
    """Run one lab: BASE and TWEAK on the same prompt and seed, the effect, maybe a figure.

    Example: ``lab_run("head-scale", params={"scale": 1.0})["tweak"]`` == its ``["base"]``
    """
    if lab not in LABS:
        raise ValueError(f"lab: one of {', '.join(LABS)}")
    if params is not None and not isinstance(params, dict):
        raise ValueError("params: expected an object of the lab's parameters")
    chosen = LABS[lab]
    given = params or {}
    unknown = set(given) - set(chosen.params)
    if unknown:
        allowed = ", ".join(chosen.params) or "none"
        raise ValueError(f"params: {lab} has no {sorted(unknown)[0]!r} (allowed: {allowed})")
    m = load()
    settings = check_settings_for(m, prompt, seed, tokens, temperature, top_k)
    result = chosen.run(m, settings, {**chosen.params, **given})
    return {
        "lab": lab,
        "title": chosen.title,
        "question": chosen.question,
        "params": {**chosen.params, **given},
        **result,
    }
