"""The real model: the small GPT this project trained (reference/), run with NumPy.

Reading order: ``config`` (its sizes, from traces/model.json) -> ``tokenizer`` (byte-level BPE)
-> ``weights`` (the arrays, grouped per block) -> ``layers`` (layer norm, GELU, projections) ->
``hooks`` (what a lab may change inside) -> ``cache`` (keys and values kept between steps) ->
``forward`` (the blocks, nanoGPT's shape) -> ``generate`` (greedy or sampled continuations)
-> ``speculative`` (greedy continuations verified a drafted round at a time) -> ``lora`` (a
low-rank adapter merged into the weights).
Kernels built on it live in ``on_model``; this package defines none.
"""

from .cache import KVCache
from .config import GPTConfig
from .forward import Recording, forward, forward_from, record
from .generate import check_prompt, generate_ids, top_tokens
from .hooks import NO_HOOKS, HeadScale, Hooks, NeuronNudge, Patch, ResidualNoise, parse_hooks
from .speculative import Round, Speculation, lookup_draft, speculative_ids
from .weights import Model, load

__all__ = [
    "NO_HOOKS",
    "GPTConfig",
    "HeadScale",
    "Hooks",
    "KVCache",
    "Model",
    "NeuronNudge",
    "Patch",
    "Recording",
    "ResidualNoise",
    "Round",
    "Speculation",
    "check_prompt",
    "forward",
    "forward_from",
    "lookup_draft",
    "generate_ids",
    "load",
    "parse_hooks",
    "record",
    "speculative_ids",
    "top_tokens",
]
