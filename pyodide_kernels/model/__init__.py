"""The real models: the small GPT-2 and the Llama-style model this project trained (reference/),
both run with NumPy by one forward pass that reads the design from the configuration.

Reading order: ``config`` (sizes and design, from traces/model.json or the Llama's Hugging Face
config) -> ``tokenizer`` (byte-level BPE) -> ``llama_names`` (HF's Llama names renamed) ->
``weights`` (the arrays, grouped per block; ``load_named``) -> ``layers`` (LayerNorm and RMSNorm,
GELU and SwiGLU, RoPE's turn, projections) ->
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
from .weights import MODELS, Model, load, load_named

__all__ = [
    "MODELS",
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
    "load_named",
    "parse_hooks",
    "record",
    "speculative_ids",
    "top_tokens",
]
