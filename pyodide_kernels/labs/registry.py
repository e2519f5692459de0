"""The labs' registry: every lab once, with its title, the question the reader answers before
running it, the function that runs it, its debrief (what the reader should have seen, and why,
filled with the run's numbers), its parameters' defaults (those that name a head are found from
the weights, never typed), and the settings every lab shares (the prompt, seed and sampling of
both sides, and the checkpoint of training they run on). The page (``lab_run`` through the dispatch,
``lab_list`` for the widget registry) and the command line read only this.

References: seed 000's list of labs. Leaves out: labs that train anything.

Example: ``LABS["induction"].params`` -> {'length': 24}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..model import Model, load
from .bias import bias_debrief, style_bias
from .checkpoints import SHIPPED, checkpoint_model, checkpoint_path
from .circuit import circuit_debrief, induction_circuit, induction_head_of
from .common import check_settings_for
from .decoding import (
    compare_temperatures,
    reproducibility,
    reproducibility_debrief,
    temperature_debrief,
)
from .embedding_slice import zero_debrief, zero_embeddings
from .heads import ablation_debrief, head_ablation, head_scale, most_needed_head, scale_debrief
from .induction import induction, induction_debrief
from .lens import lens_debrief, logit_lens
from .neurons import nudge_debrief, nudge_neuron
from .noise import noise_debrief, residual_noise
from .patching import patching, patching_debrief
from .positions import boost_debrief, boost_positions
from .weights import weight_matrix, weights_debrief

__kernels__ = ("lab_run", "lab_list")


@dataclass(frozen=True)
class Shared:
    """What both sides of every lab generate with, unless the reader changes it."""

    prompt: str = "ROMEO:"
    seed: int = 1
    tokens: int = 30  # new tokens on each side
    temperature: float = 0.8
    top_k: int = 40
    #: a step of the training run (traces/checkpoints/); None: the shipped model
    checkpoint: int | None = None


SHARED = Shared()

#: A default that the lab's ``found`` picks from the weights (which head is which).
FOUND = "found from the weights"


@dataclass(frozen=True)
class Lab:
    """One lab: what it changes, the question the reader answers before running, its debrief,
    its typed defaults and, for a lab about one head, ``found``: the head's defaults as the
    model's weights pick them."""

    title: str
    question: str
    run: Callable[..., dict[str, Any]]
    debrief: Callable[..., list[str]]
    params: dict[str, Any] = field(default_factory=dict)
    found: Callable[[Model], dict[str, Any]] | None = None

    def defaults(self, model: Model) -> dict[str, Any]:
        """Every parameter's default on ``model``.

        Example: ``LABS["head-ablation"].defaults(load())`` -> {'layer': 0, 'head': 2}
        """
        if self.found is None or FOUND not in self.params.values():
            return dict(self.params)
        return {**self.params, **self.found(model)}


LABS: dict[str, Lab] = {
    "weight-matrix": Lab(
        "Look at a weight matrix",
        "Will two heads of the same layer have weights of a similar size?",
        weight_matrix,
        weights_debrief,
        {"layer": 0, "head": 1, "matrix": "q"},
    ),
    "head-ablation": Lab(
        "Zero one attention head",
        "Which layer's heads will hurt the loss most when removed?",
        head_ablation,
        ablation_debrief,
        {"layer": FOUND, "head": FOUND},
        most_needed_head,
    ),
    "head-scale": Lab(
        "Scale one head's output",
        "Doubling a head: more of its skill, or just noise?",
        head_scale,
        scale_debrief,
        {"layer": FOUND, "head": FOUND, "scale": 2.0},
        most_needed_head,
    ),
    "nudge-neuron": Lab(
        "Nudge one MLP neuron",
        "Will one neuron out of thousands change the next word?",
        nudge_neuron,
        nudge_debrief,
        {"layer": 3, "index": 7, "add": 10.0},
    ),
    "zero-embeddings": Lab(
        "Zero a slice of the token embeddings",
        "How much of each vector can go before the text falls apart?",
        zero_embeddings,
        zero_debrief,
        {"fraction": 0.25},
    ),
    "patching": Lab(
        "Activation patching",
        "Where in the network does the name that changes the answer live?",
        patching,
        patching_debrief,
        {
            "clean": "Enter HAMLET and HORATIO.\nHAMLET.\nHow now, HORATIO! HAMLET.\nHow now,",
            "corrupted": "Enter HAMLET and HORATIO.\nHAMLET.\nHow now, OPHELIA! HAMLET.\nHow now,",
        },
    ),
    "residual-noise": Lab(
        "Noise in the residual stream",
        "Is the stream more fragile early or late?",
        residual_noise,
        noise_debrief,
        {"layer": 1, "scale": 2.0},
    ),
    "boost-positions": Lab(
        "Boost the positional encodings",
        "Will louder positions help or hurt alternating speakers?",
        boost_positions,
        boost_debrief,
        {"scale": 3.0},
    ),
    "temperature": Lab(
        "Compare temperatures",
        "How many different texts will three seeds give at T = 0? At T = 1.2?",
        compare_temperatures,
        temperature_debrief,
        {"temperature": 1.2, "top_k": 40, "seeds": 3},
    ),
    "logit-lens": Lab(
        "The logit lens",
        "Does the first layer already guess the right next token?",
        logit_lens,
        lens_debrief,
    ),
    "style-bias": Lab(
        "Style bias on one token",
        "A bias of 3 on the comma: how much more often will it appear?",
        style_bias,
        bias_debrief,
        {"token": ",", "bias": 3.0},
    ),
    "reproducibility": Lab(
        "Reproducibility",
        "Same seed twice: same text? A fresh seed?",
        reproducibility,
        reproducibility_debrief,
        {"fresh_seed": 2},
    ),
    "induction": Lab(
        "Induction heads",
        "Can a model predict random tokens the second time it sees them?",
        induction,
        induction_debrief,
        {"length": 24},
    ),
    "induction-circuit": Lab(
        "The induction circuit, taken apart",
        "Zero the previous-token head, then the induction head: which one breaks copying more?",
        induction_circuit,
        circuit_debrief,
        {"layer": FOUND, "head": FOUND},
        induction_head_of,
    ),
}


def lab_list() -> dict[str, Any]:
    """Every lab with its title, question and default parameters on the shipped model, the
    function that runs it (``code``, which its code panel lists), and the shared settings.

    Example: ``lab_list()["labs"][0]["code"]`` -> 'pyodide_kernels.labs.weights.weight_matrix'
    """
    model = load()
    return {
        "labs": [
            {
                "name": n,
                "title": lab.title,
                "question": lab.question,
                "params": lab.defaults(model),
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
    checkpoint: Any = SHARED.checkpoint,
) -> dict[str, Any]:
    """Run one lab: BASE and TWEAK on the same prompt and seed, the effect, maybe a figure,
    and the debrief of that run.

    Example: ``lab_run("head-scale", params={"scale": 1.0})["tweak"]`` == its ``["base"]``
    """
    if lab not in LABS:
        raise ValueError(f"lab: one of {', '.join(LABS)}")
    if params is not None and not isinstance(params, dict):
        raise ValueError("params: expected an object of the lab's parameters")
    chosen = LABS[lab]
    given = params or {}
    m = checkpoint_model(checkpoint)
    unknown = set(given) - set(chosen.params)
    if unknown:
        allowed = ", ".join(chosen.params) or "none"
        raise ValueError(f"params: {lab} has no {sorted(unknown)[0]!r} (allowed: {allowed})")
    settings = check_settings_for(m, prompt, seed, tokens, temperature, top_k)
    missing = set(chosen.params) - set(given)
    chosen_params = {**chosen.defaults(m), **given} if missing else dict(given)
    result = chosen.run(m, settings, chosen_params)
    return {
        "lab": lab,
        "title": chosen.title,
        "question": chosen.question,
        "params": chosen_params,
        "checkpoint": checkpoint,
        "on_demand": {"checkpoint": {str(s): checkpoint_path(s) for s in SHIPPED}},
        **result,
        "debrief": chosen.debrief(m, settings, chosen_params, result),
    }
