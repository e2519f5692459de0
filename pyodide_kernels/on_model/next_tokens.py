"""The real model's basic answers: its sizes, how it tokenizes, its most probable next tokens,
a continuation (greedy or seeded sampling), and its loss on a text.

    p(next | prompt) = softmax(logits of the last position)
    loss = mean over positions of −ln p(true next token)        (nats per token)

References: Radford et al. (2019) GPT-2. Leaves out: batching several prompts.
"""

from __future__ import annotations

from typing import Any

from .._validate import as_int, as_seed
from ..maths.loss import next_token_losses
from ..maths.sampling import check_settings
from ..model import check_prompt, forward, generate_ids, load, load_named, parse_hooks, top_tokens

__kernels__ = ("gpt_info", "gpt_encode", "gpt_next_tokens", "gpt_generate", "gpt_loss")


def gpt_info(model: Any = "gpt2") -> dict[str, Any]:
    """Sizes of a shipped model. Example: ``gpt_info()["n_layer"]`` -> 4"""
    m = load_named(model)
    return {
        "n_layer": m.n_layer,
        "n_head": m.n_head,
        "n_embd": m.d,
        "n_ctx": m.n_ctx,
        "vocab_size": m.vocab_size,
        "parameters": m.parameters(),
    }


def gpt_encode(text: Any) -> dict[str, Any]:
    """Token ids and pieces. Example: ``gpt_encode("To be")["tokens"]`` -> ['To', ' be']"""
    m = load()
    ids = check_prompt(text, m)
    return {"ids": ids, "tokens": [m.token_text(i) for i in ids]}


def gpt_next_tokens(
    prompt: Any, k: Any = 10, hooks: Any = None, model: Any = "gpt2"
) -> dict[str, Any]:
    """Top-k next tokens after the prompt.

    Example: ``gpt_next_tokens("To be, or not to", 3)["top"][0]["token"]`` -> ' be'
    """
    m = load_named(model)
    ids = check_prompt(prompt, m)
    logits = forward(m, ids, None, parse_hooks(hooks, m.config))
    return {
        "tokens": [m.token_text(i) for i in ids],
        "top": top_tokens(m, logits[-1], as_int(k, "k", 1, m.vocab_size)),
    }


def gpt_generate(
    prompt: Any,
    max_new_tokens: Any = 40,
    temperature: Any = 0.0,
    top_k: Any = None,
    top_p: Any = None,
    seed: Any = 0,
    hooks: Any = None,
    model: Any = "gpt2",
) -> dict[str, Any]:
    """Continue the prompt with one of the shipped models (greedy at temperature 0, else seeded
    sampling).

    Example: ``gpt_generate("ROMEO:", 8)["text"]`` -> a greedy, always identical continuation
    """
    m = load_named(model)
    ids = check_prompt(prompt, m, room=1)
    t, k, p = check_settings(temperature, top_k, top_p)
    steps = as_int(max_new_tokens, "max_new_tokens", 0, 1000)
    new = generate_ids(m, ids, steps, t, k, p, as_seed(seed), parse_hooks(hooks, m.config))
    return {"ids": new, "tokens": [m.token_text(i) for i in new], "text": m.decode(new)}


def gpt_loss(text: Any, hooks: Any = None, model: Any = "gpt2") -> dict[str, Any]:
    """Mean next-token loss (nats) of the text, and per token.

    Example: ``gpt_loss("To be, or not to be")["loss"]`` -> about 3
    """
    m = load_named(model)
    ids = check_prompt(text, m)
    if len(ids) < 2:
        raise ValueError("text: needs at least two tokens")
    per = next_token_losses(forward(m, ids, None, parse_hooks(hooks, m.config)), ids)
    return {"loss": float(per.mean()), "per_token": per, "tokens": [m.token_text(i) for i in ids]}
