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
