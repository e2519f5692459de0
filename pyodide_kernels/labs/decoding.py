"""Labs 9 and 12, decoding knobs: greedy (T = 0) against T = 1.2 with top-k over several seeds,
and reproducibility: the same seed gives the same text, a fresh seed does not, greedy never
varies.

Example: ``compare_temperatures(load(), s, {})["tweak"]["samples"]`` -> one text per seed
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .._validate import as_int, as_number
from ..model import Model
from .common import Settings, side


def distinct(samples: list[str]) -> int:
    """How many different texts. Example: ``distinct(["a", "a", "b"])`` -> 2"""
    return len(set(samples))


def texts(n: int) -> str:
    """A count of texts in words. Example: ``texts(1)`` -> 'one text'; ``texts(3)`` -> '3 texts'"""
    return "one text" if n == 1 else f"{n} different texts"


def distinct_fraction(texts: list[str]) -> float:
    """How many of the texts differ from each other, as a fraction of them.

    Example: ``distinct_fraction(["a", "a", "b"])`` -> 0.667
    """
    return len(set(texts)) / len(texts)


def compare_temperatures(model: Model, settings: Settings, params: dict[str, Any]) -> dict:
    """Greedy (BASE) against hot sampling with top-k (TWEAK), for ``seeds`` seeds each.

    Example: ``compare_temperatures(m, s, {"temperature": 1.2, "top_k": 40, "seeds": 3})
    ["effect"]["base"]`` -> 0.333 (greedy gives one text, whatever the seed)
    """
    temperature = as_number(params["temperature"], "temperature", 0.05, 5.0)
    top_k = as_int(params["top_k"], "top_k", 1, model.vocab_size)
    seeds = range(settings.seed, settings.seed + as_int(params["seeds"], "seeds", 1, 6))
    greedy = [
        side(model, replace(settings, seed=s, temperature=0.0, top_k=None))["text"] for s in seeds
    ]
    hot = [
        side(model, replace(settings, seed=s, temperature=temperature, top_k=top_k))["text"]
        for s in seeds
    ]
    return {
        "base": {"label": "greedy, T = 0", "text": greedy[0], "samples": greedy},
        "tweak": {"label": f"T = {temperature:g}, top-k {top_k}", "text": hot[0], "samples": hot},
        "effect": {
            "name": "distinct texts across seeds",
            "unit": "fraction",
            "base": distinct_fraction(greedy),
            "tweak": distinct_fraction(hot),
        },
    }


def reproducibility(model: Model, settings: Settings, params: dict[str, Any]) -> dict:
    """The same seed twice (BASE) against a fresh random seed (TWEAK), at the given T.

    Example: ``reproducibility(m, s, {"fresh_seed": 2})["effect"]["base"]`` -> 1.0
    """
    hot = settings if settings.temperature > 0 else replace(settings, temperature=0.8, top_k=40)
    first, second = side(model, hot)["text"], side(model, hot)["text"]
    fresh_seed = as_int(params["fresh_seed"], "fresh_seed", 0, 2**32 - 1)
    fresh = side(model, replace(hot, seed=fresh_seed))["text"]
    greedy = {side(model, replace(settings, temperature=0.0, seed=s))["text"] for s in (0, 1)}
    return {
        "base": {"label": f"seed {hot.seed}, twice", "text": first, "again": second},
        "tweak": {"label": f"fresh seed {fresh_seed}", "text": fresh},
        "effect": {
            "name": "same text as the first run",
            "unit": "",
            "base": float(first == second),
            "tweak": float(fresh == first),
        },
        "greedy_varies": len(greedy) > 1,
    }


def temperature_debrief(model: Model, settings: Settings, params: dict, result: dict) -> list[str]:
    """How many texts each strategy gave, and why the seed matters only when sampling.

    Example: ``temperature_debrief(m, s, p, compare_temperatures(m, s, p))[0]`` -> 'Greedy …'
    """
    greedy, hot = result["base"]["samples"], result["tweak"]["samples"]
    return [
        f"Greedy decoding gave {texts(distinct(greedy))} from {len(greedy)} seeds; "
        f"{result['tweak']['label']} gave {texts(distinct(hot))}.",
        "Greedy takes the most likely token at every step, so it never consults the seed. "
        "Sampling draws each token from the distribution with the seed's generator; two seeds "
        "part at the first token where their draws differ, and from there each continues its "
        "own text. A higher temperature flattens the distribution, so they part sooner.",
    ]


def reproducibility_debrief(
    model: Model, settings: Settings, params: dict, result: dict
) -> list[str]:
    """Whether the same seed repeated itself and a fresh one did not, and why that is the base
    of every lab. Example: ``reproducibility_debrief(m, s, p, r)[0]`` -> 'Seed 1 twice: …'"""
    effect = result["effect"]
    same, fresh = effect["base"] == 1.0, effect["tweak"] == 1.0
    first, other = result["base"]["text"], result["tweak"]["text"]
    parted = next((i for i, (a, b) in enumerate(zip(first, other, strict=False)) if a != b), None)
    where = f" (the two part after {parted} characters)" if parted is not None else ""
    return [
        f"{result['base']['label'].capitalize()}: {'the same text' if same else 'two texts'}. "
        f"{result['tweak']['label'].capitalize()}: "
        f"{'the same text again' if fresh else 'a different text'}{where}. "
        f"At T = 0, two seeds gave {'different texts' if result['greedy_varies'] else 'one text'}.",
        "The only randomness is a generator started from the seed: the same seed gives the "
        "same draws and so the same text, bit for bit, in this page and in a terminal. That is "
        "what makes every lab here fair: BASE and TWEAK share the seed, so a difference between "
        "them is the tweak's.",
    ]
