"""What a lab may change inside the model, as one small typed object the forward pass asks at
each of its steps. Every part is optional; ``NO_HOOKS`` changes nothing.

- ``head``: multiply one query head's output (scale 0 zero-ablates it; under grouped-query
  attention the key/value head it shares with the others of its group stays);
- ``neuron``: add to one MLP neuron's activation (after GELU);
- ``noise``: Gaussian noise added to the residual stream after a block, seeded per position so
  cached and uncached decoding agree;
- ``pos_scale``: multiply the positional embeddings (learned positions only: RoPE has none);
- ``embed_zero``: zero dimensions [start, stop) of every token embedding;
- ``logit_bias``: add to one token's logit;
- ``patch``: overwrite the residual stream after block ``layer`` (-1: the embeddings) at one
  position with a vector taken from another run;
- ``window``: let each query read only its most recent keys and the first few (StreamingLLM's
  sink tokens), as a sliding-window KV cache that keeps them would.

From JSON (a kernel's ``hooks`` argument) they are read by ``parse_hooks``, which checks each
value against the model's sizes. References: Olsson et al. (2022) for ablations; Meng et al.
(2022) for activation patching; Xiao et al. (2023) for attention sinks. Leaves out: hooks on
keys and queries.

Example: ``parse_hooks({"head": {"layer": 3, "head": 0}}, load().config).head`` ->
HeadScale(layer=3, head=0, scale=0.0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validate import as_int, as_number, as_seed
from ..maths.attention import causal_mask
from ..maths.attention_masks import sliding_window_mask
from .config import GPTConfig


@dataclass(frozen=True)
class HeadScale:
    """Multiply head ``head`` of block ``layer`` by ``scale``."""

    layer: int
    head: int
    scale: float = 0.0


@dataclass(frozen=True)
class NeuronNudge:
    """Add ``add`` to MLP neuron ``index`` of block ``layer``."""

    layer: int
    index: int
    add: float = 0.0


@dataclass(frozen=True)
class ResidualNoise:
    """Noise of standard deviation ``scale`` after block ``layer``, drawn from ``seed``."""

    layer: int
    scale: float = 0.0
    seed: int = 0


@dataclass(frozen=True)
class Patch:
    """The stream after block ``layer`` at ``position`` replaced by ``vector`` (d,)."""

    layer: int
    position: int
    vector: np.ndarray


@dataclass(frozen=True)
class AttentionWindow:
    """Each query reads its ``window`` most recent keys (its own included) and the first
    ``sinks`` positions; the keys of a run or a cache start at position 0."""

    window: int
    sinks: int = 0

    def visible(self, positions: np.ndarray, keys: int) -> np.ndarray:
        """(T, keys) True where the query at ``positions[i]`` may read key j.

        Example: ``AttentionWindow(1, 1).visible(np.arange(3), 3).tolist()`` -> [[True, False,
        False], [True, True, False], [True, False, True]]
        """
        rows = sliding_window_mask(keys, self.window)[positions]  # (T, keys)
        rows[:, : self.sinks] |= causal_mask(keys, keys)[positions, : self.sinks]
        return rows


@dataclass(frozen=True)
class Hooks:
    """Every change one run makes; None (the default) leaves that part alone."""

    head: HeadScale | None = None
    neuron: NeuronNudge | None = None
    noise: ResidualNoise | None = None
    pos_scale: float | None = None
    embed_zero: tuple[int, int] | None = None
    logit_bias: tuple[int, float] | None = None
    patch: Patch | None = None
    window: AttentionWindow | None = None

    def embed(self, tokens: np.ndarray, positions: np.ndarray | None) -> np.ndarray:
        """The first residual stream: token vectors plus position vectors (None under RoPE,
        whose positions turn queries and keys instead), each maybe changed.

        Example: ``Hooks(pos_scale=0.0).embed(t, p)`` -> ``t`` (positions silenced)
        """
        if self.embed_zero is not None:
            tokens = tokens.copy()
            tokens[:, self.embed_zero[0] : self.embed_zero[1]] = 0
        if positions is None:
            return tokens
        if self.pos_scale is not None:
            positions = positions * np.float32(self.pos_scale)
        return tokens + positions

    def scores(self, positions: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Attention scores (nh, T, keys) after the causal mask, with the keys outside the
        attention window set to -inf (in place).

        Example: ``NO_HOOKS.scores(p, s) is s`` -> True
        """
        if self.window is not None:
            scores[:, ~self.window.visible(positions, scores.shape[-1])] = -np.inf
        return scores

    def heads(self, layer: int, y: np.ndarray) -> np.ndarray:
        """Every head's output (nh, T, hs) of block ``layer``, one maybe scaled.

        Example: ``Hooks(head=HeadScale(0, 1)).heads(0, y)[1]`` -> zeros
        """
        if self.head is None or self.head.layer != layer:
            return y
        y = y.copy()
        y[self.head.head] *= np.float32(self.head.scale)
        return y

    def neurons(self, layer: int, a: np.ndarray) -> np.ndarray:
        """The MLP's activations (T, 4d) after GELU, or (T, f) after SwiGLU's gate, one neuron
        maybe nudged (in place).

        Example: ``Hooks(neuron=NeuronNudge(0, 7, 1.0)).neurons(0, a)[:, 7]`` -> one more
        """
        if self.neuron is not None and self.neuron.layer == layer:
            a[:, self.neuron.index] += np.float32(self.neuron.add)
        return a

    def after_block(self, layer: int, x: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """The stream (T, d) after block ``layer`` (-1: the embeddings), with noise added and a
        patch written where they apply.

        Example: ``NO_HOOKS.after_block(0, x, p) is x`` -> True
        """
        noise, patch = self.noise, self.patch
        if noise is not None and noise.layer == layer and noise.scale != 0:
            x = x + np.float32(noise.scale) * seeded_noise(noise.seed, positions, x.shape[1])
        if patch is not None and patch.layer == layer and patch.position in positions:
            x = x.copy()
            x[patch.position - int(positions[0])] = patch.vector  # positions are consecutive
        return x

    def logits(self, logits: np.ndarray) -> np.ndarray:
        """The final logits (T, vocab), one token's maybe biased (in place).

        Example: ``Hooks(logit_bias=(3, 1.0)).logits(z)[:, 3]`` -> one more
        """
        if self.logit_bias is not None:
            logits[:, self.logit_bias[0]] += np.float32(self.logit_bias[1])
        return logits


NO_HOOKS = Hooks()


def seeded_noise(seed: int, positions: np.ndarray, d: int) -> np.ndarray:
    """Standard normal noise (T, d), one generator per position, so a position gets the same
    noise whether it is computed with the whole prompt or alone with a cache.

    Example: ``seeded_noise(0, np.array([5]), 2)`` == ``seeded_noise(0, np.array([4, 5]), 2)[1:]``
    """
    rows = [np.random.default_rng((seed, int(p))).standard_normal(d) for p in positions]
    return np.stack(rows).astype(np.float32)


def parse_head(value: dict, c: GPTConfig) -> HeadScale:
    """Example: ``parse_head({"layer": 0, "head": 1}, c)`` -> HeadScale(0, 1, 0.0)"""
    return HeadScale(
        as_int(value.get("layer"), "layer", 0, c.n_layer - 1),
        as_int(value.get("head"), "head", 0, c.n_head - 1),
        as_number(value.get("scale", 0.0), "scale", -100, 100),
    )


def parse_neuron(value: dict, c: GPTConfig) -> NeuronNudge:
    """Example: ``parse_neuron({"layer": 0, "index": 7, "add": 2}, c).add`` -> 2.0"""
    return NeuronNudge(
        as_int(value.get("layer"), "layer", 0, c.n_layer - 1),
        as_int(value.get("index"), "index", 0, c.n_inner - 1),
        as_number(value.get("add", 0.0), "add", -1000, 1000),
    )


def parse_noise(value: dict, c: GPTConfig) -> ResidualNoise:
    """Example: ``parse_noise({"layer": 1, "scale": 2}, c).seed`` -> 0"""
    return ResidualNoise(
        as_int(value.get("layer"), "layer", 0, c.n_layer - 1),
        as_number(value.get("scale", 0.0), "scale", 0, 1000),
        as_seed(value.get("seed", 0)),
    )


def parse_embed_zero(value: dict, c: GPTConfig) -> tuple[int, int]:
    """Example: ``parse_embed_zero({"stop": 32}, c)`` -> (0, 32)"""
    start = as_int(value.get("start", 0), "start", 0, c.n_embd)
    return start, as_int(value.get("stop", c.n_embd), "stop", start, c.n_embd)


def parse_logit_bias(value: dict, c: GPTConfig) -> tuple[int, float]:
    """Example: ``parse_logit_bias({"token": 11, "bias": 3}, c)`` -> (11, 3.0)"""
    return (
        as_int(value.get("token"), "token", 0, c.vocab_size - 1),
        as_number(value.get("bias", 0.0), "bias", -1000, 1000),
    )


def parse_patch(value: dict, c: GPTConfig) -> Patch:
    """Example: ``parse_patch({"layer": -1, "position": 0, "vector": [0] * 128}, c).layer`` -> -1"""
    vector = np.asarray(value.get("vector"), dtype=np.float32)
    if vector.shape != (c.n_embd,) or not np.all(np.isfinite(vector)):
        raise ValueError(f"vector: expected {c.n_embd} finite numbers")
    return Patch(
        as_int(value.get("layer"), "layer", -1, c.n_layer - 1),
        as_int(value.get("position"), "position", 0, c.n_ctx - 1),
        vector,
    )


PARSERS: dict[str, Callable[[dict, GPTConfig], Any]] = {
    "head": parse_head,
    "neuron": parse_neuron,
    "noise": parse_noise,
    "embed_zero": parse_embed_zero,
    "logit_bias": parse_logit_bias,
    "patch": parse_patch,
}


def parse_hooks(raw: Any, config: GPTConfig) -> Hooks:
    """Hooks from a JSON object (every key optional), each value checked; a bad one raises a
    ``ValueError`` that names it.

    Example: ``parse_hooks(None, c)`` -> NO_HOOKS
    """
    if raw in (None, {}):
        return NO_HOOKS
    if not isinstance(raw, dict):
        raise ValueError("hooks: expected an object")
    parts: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "pos_scale":
            parts[key] = as_number(value, "pos_scale", -100, 100)
        elif key not in PARSERS:
            raise ValueError(f"hooks: unknown hook {key!r}")
        elif not isinstance(value, dict):
            raise ValueError(f"hooks.{key}: expected an object")
        else:
            parts[key] = PARSERS[key](value, config)
    return Hooks(**parts)
