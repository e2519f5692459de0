"""The project's small GPT, run with NumPy: forward pass, KV cache, hooks, generation.

Loads ``traces/model.npz`` (GPT-2 parameter names, float32, weights stored (in, out) and applied
as ``x @ W + b``) and ``traces/tokenizer.json`` (byte-level BPE merges) through
``_assets.data_path``, and computes exactly what reference/model.py computes in PyTorch:
pre-LayerNorm blocks, learned positions, tanh-GELU MLP, tied output embedding. Everything stays
float32 (a float64 scalar would silently upcast and slow the page down).

Hooks (a JSON object; every key optional) change one thing inside the model:
- ``head``: {"layer", "head", "scale"}: multiply one head's output (0 zero-ablates it);
- ``neuron``: {"layer", "index", "add"}: add to one MLP neuron's activation (after GELU);
- ``noise``: {"layer", "scale", "seed"}: Gaussian noise added to the residual stream after that
  block, seeded per position so cached and uncached decoding agree;
- ``pos_scale``: multiply the positional embeddings;
- ``embed_zero``: {"start", "stop"}: zero those dimensions of every token embedding;
- ``logit_bias``: {"token", "bias"}: add to one token's logit;
- ``patch``: {"layer", "position", "vector"}: overwrite the residual stream after block
  ``layer`` (-1: the embeddings) at ``position`` with a vector taken from another run.
References: Radford et al. (2019) GPT-2; nostalgebraist (2020) for the logit lens; Olsson et al.
(2022) for induction heads. Leaves out: batching, dropout, training.
"""

from __future__ import annotations

import json
import math
import sys
from functools import lru_cache
from typing import Any

import numpy as np

from ._assets import data_path
from ._validate import as_int, as_number, as_seed
from .bpe import encode_word, split_words
from .sampling import check_settings, filtered_distribution

__kernels__ = (
    "gpt_info",
    "gpt_encode",
    "gpt_next_tokens",
    "gpt_generate",
    "gpt_attention",
    "gpt_logit_lens",
    "gpt_patch",
    "gpt_loss",
)

F32 = np.float32
EPS = F32(1e-5)
GELU_C = F32(math.sqrt(2.0 / math.pi))
MAX_PROMPT = 4000  # characters
#: WebAssembly NumPy has no BLAS. There ``einsum``'s C loop, which adds one scaled row of a
#: row-major weight per input feature, ran 1.3-1.8x faster than ``@`` (which strides down a
#: column per output) on the model's shapes; with BLAS (CPython), ``@`` is the fast one.
EINSUM_PROJECTIONS = sys.platform == "emscripten"


def project(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``x @ w`` for activations x (T, in) and a weight w (in, out), by this platform's faster
    route (``EINSUM_PROJECTIONS``).

    Example: ``project(np.ones((1, 2), 'f4'), np.eye(2, dtype='f4'))`` -> [[1, 1]]
    """
    return np.einsum("ti,io->to", x, w) if EINSUM_PROJECTIONS else x @ w


class Model:
    """Weights, configuration and tokenizer of the shipped model."""

    def __init__(self, arrays: dict[str, np.ndarray], tokenizer: dict[str, Any]):
        self.w = {k: np.ascontiguousarray(v, dtype=F32) for k, v in arrays.items()}
        self.vocab_size, self.d = self.w["wte.weight"].shape
        self.n_ctx = self.w["wpe.weight"].shape[0]
        self.n_layer = len({k.split(".")[1] for k in self.w if k.startswith("h.")})
        self.n_head = 4
        self.ranks = {(a, b): new for a, b, new in tokenizer["merges"]}
        self.pieces = [bytes.fromhex(h) for h in tokenizer["tokens"]]
        names = (
            "ln_1.weight",
            "ln_1.bias",
            "attn.c_attn.weight",
            "attn.c_attn.bias",
            "attn.c_proj.weight",
            "attn.c_proj.bias",
            "ln_2.weight",
            "ln_2.bias",
            "mlp.c_fc.weight",
            "mlp.c_fc.bias",
            "mlp.c_proj.weight",
            "mlp.c_proj.bias",
        )
        # Per-layer weight tuples: no string lookups in the decode loop.
        self.layers = [tuple(self.w[f"h.{i}.{n}"] for n in names) for i in range(self.n_layer)]

    def encode(self, text: str) -> list[int]:
        return [i for w in split_words(text) for i in encode_word(tuple(w.encode()), self.ranks)]

    def decode(self, ids: list[int]) -> str:
        return b"".join(self.pieces[i] for i in ids).decode("utf-8", errors="replace")

    def token_text(self, i: int) -> str:
        return self.pieces[i].decode("utf-8", errors="backslashreplace")


@lru_cache(maxsize=2)
def load(weights: str = "traces/model.npz", tokenizer: str = "traces/tokenizer.json") -> Model:
    """The model, loaded once per process (heads from traces/model.json).

    Example: ``load().n_layer`` -> 4
    """
    with np.load(data_path(weights)) as npz:
        arrays = {k: npz[k] for k in npz.files}
    model = Model(arrays, json.loads(data_path(tokenizer).read_text()))
    model.n_head = int(json.loads(data_path("traces/model.json").read_text())["config"]["n_head"])
    return model


class KVCache(list):
    """A key/value cache preallocated for the whole context window: ``forward`` writes each new
    position in place instead of concatenating. It is still a list of per-layer (keys, values)
    views (nh, t, hs), so code that reads a cache reads this one too; it grows in place, so only
    one continuation may extend it (``generate_ids`` owns its own).

    Example: ``forward(m, [0], KVCache(m))[1][0][0].shape`` -> (4, 1, 32)
    """

    def __init__(self, model: Model):
        super().__init__()
        shape = (model.n_layer, model.n_head, model.n_ctx, model.d // model.n_head)
        self.k = np.zeros(shape, dtype=F32)  # (L, nh, n_ctx, hs)
        self.v = np.zeros(shape, dtype=F32)  # (L, nh, n_ctx, hs)


@lru_cache(maxsize=4)
def mean_column(d: int) -> np.ndarray:
    """A (d, 1) column of 1/d: ``x @ mean_column(d)`` is the mean over x's last axis, as one
    matmul (a reduction with keepdims costs several times more per call in WebAssembly NumPy).

    Example: ``np.ones((1, 4), 'f4') @ mean_column(4)`` -> [[1.0]]
    """
    return np.full((d, 1), 1 / d, dtype=F32)


def layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
    """LayerNorm over the last axis (biased variance, as torch), on new arrays only.

    Example: ``layer_norm(np.ones((1, 2), 'f4'), 1, 0)`` -> 0s
    """
    mean = mean_column(x.shape[-1])
    xc = x - x @ mean
    var = (xc * xc) @ mean
    var += EPS
    np.sqrt(var, var)
    xc /= var
    xc *= g
    xc += b
    return xc


GELU_CUBE = F32(math.sqrt(2.0 / math.pi) * 0.044715)


def gelu(x: np.ndarray) -> np.ndarray:
    """GPT-2's tanh GELU, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in a new array.

    Example: ``gelu(np.zeros(1, 'f4'))`` -> [0.0]
    """
    t = x * x
    t *= GELU_CUBE
    t += GELU_C
    t *= x  # sqrt(2/pi) (x + 0.044715 x^3)
    np.tanh(t, t)
    t += F32(1)
    t *= x
    t *= F32(0.5)
    return t


def check_hooks(hooks: Any, model: Model) -> dict[str, Any]:
    """Validated hooks (see module docstring). Example: ``check_hooks(None, m)`` -> {}"""
    if hooks in (None, {}):
        return {}
    if not isinstance(hooks, dict):
        raise ValueError("hooks: expected an object")
    out: dict[str, Any] = {}
    L, H = model.n_layer, model.n_head
    for key, value in hooks.items():
        if key == "pos_scale":
            out[key] = F32(as_number(value, "pos_scale", -100, 100))
            continue
        if not isinstance(value, dict):
            raise ValueError(f"hooks.{key}: expected an object")
        if key == "head":
            out[key] = (
                as_int(value.get("layer"), "layer", 0, L - 1),
                as_int(value.get("head"), "head", 0, H - 1),
                F32(as_number(value.get("scale", 0.0), "scale", -100, 100)),
            )
        elif key == "neuron":
            out[key] = (
                as_int(value.get("layer"), "layer", 0, L - 1),
                as_int(value.get("index"), "index", 0, 4 * model.d - 1),
                F32(as_number(value.get("add", 0.0), "add", -1000, 1000)),
            )
        elif key == "noise":
            out[key] = (
                as_int(value.get("layer"), "layer", 0, L - 1),
                F32(as_number(value.get("scale", 0.0), "scale", 0, 1000)),
                as_seed(value.get("seed", 0)),
            )
        elif key == "embed_zero":
            start = as_int(value.get("start", 0), "start", 0, model.d)
            out[key] = (start, as_int(value.get("stop", model.d), "stop", start, model.d))
        elif key == "logit_bias":
            out[key] = (
                as_int(value.get("token"), "token", 0, model.vocab_size - 1),
                F32(as_number(value.get("bias", 0.0), "bias", -1000, 1000)),
            )
        elif key == "patch":
            vector = np.asarray(value.get("vector"), dtype=F32)
            if vector.shape != (model.d,) or not np.all(np.isfinite(vector)):
                raise ValueError(f"vector: expected {model.d} finite numbers")
            out[key] = (
                as_int(value.get("layer"), "layer", -1, L - 1),
                as_int(value.get("position"), "position", 0, model.n_ctx - 1),
                vector,
            )
        else:
            raise ValueError(f"hooks: unknown hook {key!r}")
    return out


def forward(
    model: Model,
    ids: list[int],
    cache: list[tuple[np.ndarray, np.ndarray]] | None = None,
    hooks: dict[str, Any] | None = None,
    record: bool = False,
) -> tuple[np.ndarray, list, dict[str, Any]]:
    """Logits (T, vocab) for ``ids`` placed after the ``cache``'s positions; the new cache
    (per layer: keys and values (nh, t, hs)); with ``record``, the residual stream after the
    embeddings and each block ("resid", (L+1, T, d)), between each block's attention and MLP
    ("mid", L × (T, d)) and attention weights ("attn").

    Example: ``forward(load(), [0, 1])[0].shape`` -> (2, 1024)
    """
    w, hooks = model.w, hooks or {}
    past = 0 if not cache else cache[0][0].shape[1]
    T, nh = len(ids), model.n_head
    hs = model.d // nh
    if past + T > model.n_ctx:
        raise ValueError(f"prompt: at most {model.n_ctx} tokens in the context window")
    pos = np.arange(past, past + T)
    wte = w["wte.weight"]
    tok = wte[ids]  # (T, d)
    if "embed_zero" in hooks:
        tok = tok.copy()
        tok[:, hooks["embed_zero"][0] : hooks["embed_zero"][1]] = 0
    wpe = w["wpe.weight"][pos]  # (T, d)
    x = tok + (wpe * hooks["pos_scale"] if "pos_scale" in hooks else wpe)  # (T, d)
    rec: dict[str, Any] = {"resid": [], "attn": [], "mid": []}

    def after_block(x: np.ndarray, layer: int) -> np.ndarray:
        if "noise" in hooks and hooks["noise"][0] == layer and hooks["noise"][1] != 0:
            _, scale, seed = hooks["noise"]
            noise = np.stack(
                [np.random.default_rng((seed, int(p))).standard_normal(model.d) for p in pos]
            ).astype(F32)  # (T, d)
            x = x + scale * noise
        if "patch" in hooks and hooks["patch"][0] == layer and past <= hooks["patch"][1] < past + T:
            x = x.copy()
            x[hooks["patch"][1] - past] = hooks["patch"][2]
        if record:
            rec["resid"].append(x)
        return x

    x = after_block(x, -1)
    new_cache: list[tuple[np.ndarray, np.ndarray]] = []
    scale = F32(1 / math.sqrt(hs))
    future = np.arange(past + T)[None, :] > pos[:, None] if T > 1 else None  # (T, past+T)
    for i, (g1, b1, wqkv, bqkv, wo, bo, g2, b2, wfc, bfc, wpr, bpr) in enumerate(model.layers):
        h = layer_norm(x, g1, b1)
        qkv = project(h, wqkv) + bqkv  # (T, 3d)
        qkv = qkv.reshape(T, 3, nh, hs).transpose(1, 2, 0, 3)  # (3, nh, T, hs)
        q, k, v = qkv[0], qkv[1], qkv[2]
        if isinstance(cache, KVCache):
            cache.k[i, :, past : past + T] = k
            cache.v[i, :, past : past + T] = v
            k, v = cache.k[i, :, : past + T], cache.v[i, :, : past + T]  # (nh, past+T, hs)
        elif cache:
            k = np.concatenate([cache[i][0], k], axis=1)  # (nh, past+T, hs)
            v = np.concatenate([cache[i][1], v], axis=1)
        new_cache.append((k, v))
        scores = (q @ k.transpose(0, 2, 1)) * scale  # (nh, T, past+T)
        if future is not None:
            scores = np.where(future, F32(-np.inf), scores)
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        att = scores / scores.sum(-1, keepdims=True)  # (nh, T, past+T)
        y = att @ v  # (nh, T, hs)
        if "head" in hooks and hooks["head"][0] == i:
            y = y.copy()
            y[hooks["head"][1]] *= hooks["head"][2]
        y = y.transpose(1, 0, 2).reshape(T, model.d)  # (T, d)
        x = x + project(y, wo) + bo
        if record:
            rec["mid"].append(x)  # the stream between attention and MLP
        h = layer_norm(x, g2, b2)
        a = gelu(project(h, wfc) + bfc)  # (T, 4d)
        if "neuron" in hooks and hooks["neuron"][0] == i:
            a[:, hooks["neuron"][1]] += hooks["neuron"][2]
        x = x + project(a, wpr) + bpr
        if record:
            rec["attn"].append(att)
        x = after_block(x, i)
    if isinstance(cache, KVCache):
        cache[:] = new_cache
        new_cache = cache
    logits = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"]) @ wte.T  # (T, vocab)
    if "logit_bias" in hooks:
        logits[:, hooks["logit_bias"][0]] += hooks["logit_bias"][1]
    if record:
        rec["resid"] = np.stack(rec["resid"])  # (L+1, T, d)
    return logits, new_cache, rec


def check_prompt(prompt: Any, model: Model, room: int = 0) -> list[int]:
    """Token ids of a non-empty prompt, clipped to its last ``n_ctx - room`` tokens.

    Example: ``check_prompt("To be", load())`` -> [the ids of "To", " be"]
    """
    if not isinstance(prompt, str) or not prompt:
        raise ValueError("prompt: expected non-empty text")
    if len(prompt) > MAX_PROMPT:
        raise ValueError(f"prompt: at most {MAX_PROMPT} characters")
    ids = model.encode(prompt)
    return ids[-(model.n_ctx - room) :]


def top_tokens(model: Model, logits: np.ndarray, k: int) -> list[dict[str, Any]]:
    """The k most probable next tokens of one logit row, with probabilities.

    Example: ``top_tokens(m, np.zeros(1024, "f4"), 1)[0]["prob"]`` -> 1/1024
    """
    z = logits.astype(np.float64)
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    order = np.argsort(-probs, kind="stable")[:k]
    return [
        {"id": int(i), "token": model.token_text(int(i)), "prob": float(probs[i])} for i in order
    ]


def generate_ids(
    model: Model,
    ids: list[int],
    steps: int,
    temperature: float = 0.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int = 0,
    hooks: dict[str, Any] | None = None,
    use_cache: bool = True,
) -> list[int]:
    """New token ids (greedy when temperature is 0), sliding the window when it fills.

    Example: ``generate_ids(load(), load().encode("ROMEO:"), 3)`` -> three greedy token ids
    """
    rng = np.random.default_rng(seed)
    out, context = [], list(ids)
    logits, cache, _ = forward(model, context, KVCache(model) if use_cache else None, hooks)
    for _ in range(steps):
        if temperature == 0:  # the argmax, whatever top-k and top-p keep
            nxt = int(np.argmax(logits[-1]))
        else:
            probs, _ = filtered_distribution(
                logits[-1].astype(np.float64), temperature, top_k, top_p
            )
            nxt = int(rng.choice(probs.size, p=probs))
        out.append(nxt)
        context.append(nxt)
        if use_cache and len(context) <= model.n_ctx:
            logits, cache, _ = forward(model, [nxt], cache, hooks)
        else:
            logits, cache, _ = forward(model, context[-model.n_ctx :], None, hooks)
    return out


def gpt_info() -> dict[str, Any]:
    """Sizes of the shipped model. Example: ``gpt_info()["n_layer"]`` -> 4"""
    m = load()
    return {
        "n_layer": m.n_layer,
        "n_head": m.n_head,
        "n_embd": m.d,
        "n_ctx": m.n_ctx,
        "vocab_size": m.vocab_size,
        "parameters": int(sum(v.size for v in m.w.values())),
    }


def gpt_encode(text: Any) -> dict[str, Any]:
    """Token ids and pieces. Example: ``gpt_encode("To be")["tokens"]`` -> ['To', ' be']"""
    m = load()
    ids = check_prompt(text, m)
    return {"ids": ids, "tokens": [m.token_text(i) for i in ids]}


def gpt_next_tokens(prompt: Any, k: Any = 10, hooks: Any = None) -> dict[str, Any]:
    """Top-k next tokens after the prompt.

    Example: ``gpt_next_tokens("To be, or not to", 3)["top"][0]["token"]`` -> ' be'
    """
    m = load()
    ids = check_prompt(prompt, m)
    logits, _, _ = forward(m, ids, None, check_hooks(hooks, m))
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
) -> dict[str, Any]:
    """Continue the prompt (greedy at temperature 0, else seeded sampling).

    Example: ``gpt_generate("ROMEO:", 8)["text"]`` -> a greedy, always identical continuation
    """
    m = load()
    ids = check_prompt(prompt, m, room=1)
    t, k, p = check_settings(temperature, top_k, top_p)
    new = generate_ids(
        m, ids, as_int(max_new_tokens, "max_new_tokens", 0, 1000), t, k, p, as_seed(seed),
        check_hooks(hooks, m),
    )  # fmt: skip
    return {"ids": new, "tokens": [m.token_text(i) for i in new], "text": m.decode(new)}


def gpt_attention(prompt: Any, hooks: Any = None) -> dict[str, Any]:
    """Attention weights of every head: (layer, head, query, key).

    Example: ``len(gpt_attention("To be")["weights"])`` -> 4
    """
    m = load()
    ids = check_prompt(prompt, m)
    _, _, rec = forward(m, ids, None, check_hooks(hooks, m), record=True)
    return {"tokens": [m.token_text(i) for i in ids], "weights": np.stack(rec["attn"])}


def gpt_logit_lens(prompt: Any, k: Any = 1) -> dict[str, Any]:
    """What each layer would predict next at every position (ln_f then the tied unembedding).

    Example: ``gpt_logit_lens("To be")["top"][-1][-1][0]["token"]`` -> the model's own guess
    """
    m = load()
    ids = check_prompt(prompt, m)
    kk = as_int(k, "k", 1, 20)
    _, _, rec = forward(m, ids, None, None, record=True)
    lens = layer_norm(rec["resid"], m.w["ln_f.weight"], m.w["ln_f.bias"]) @ m.w["wte.weight"].T
    return {
        "tokens": [m.token_text(i) for i in ids],
        "layers": ["embed"] + [f"h.{i}" for i in range(m.n_layer)],
        "top": [[top_tokens(m, row, kk) for row in layer] for layer in lens],  # (L+1, T, k)
    }


def gpt_patch(clean: Any, corrupted: Any, target: Any = None) -> dict[str, Any]:
    """Activation patching: for every (layer, position), run ``corrupted`` with the residual
    stream there replaced by the ``clean`` run's, and report the probability of ``target``
    (default: the clean run's top next token). Prompts must have the same token count.

    Example: ``gpt_patch("Good morrow, Romeo.", "Good morrow, Kate.")["grid"]`` -> (L+1, T)
    """
    m = load()
    a, b = check_prompt(clean, m), check_prompt(corrupted, m)
    if len(a) != len(b):
        raise ValueError(f"corrupted: {len(b)} tokens, but clean has {len(a)}")
    clean_logits, _, rec = forward(m, a, None, None, record=True)
    tid = (
        int(np.argmax(clean_logits[-1]))
        if target is None
        else as_int(target, "target", 0, m.vocab_size - 1)
    )

    def prob(logits: np.ndarray) -> float:
        z = logits[-1].astype(np.float64)
        e = np.exp(z - z.max())
        return float(e[tid] / e.sum())

    grid = np.zeros((m.n_layer + 1, len(a)))
    for layer in range(-1, m.n_layer):
        for position in range(len(a)):
            hooks = {"patch": (layer, position, rec["resid"][layer + 1, position])}
            grid[layer + 1, position] = prob(forward(m, b, None, hooks)[0])
    return {
        "target": m.token_text(tid),
        "clean_prob": prob(clean_logits),
        "corrupted_prob": prob(forward(m, b)[0]),
        "grid": grid,
        "tokens": [m.token_text(i) for i in b],
    }


def token_losses(logits: np.ndarray, ids: list[int]) -> np.ndarray:
    """−ln p of each true next token (T − 1,), in float64, from the logits (T, vocab) of ``ids``.

    Example: ``token_losses(np.zeros((2, 4), "f4"), [0, 1])`` -> [ln 4] = [1.386]
    """
    z = logits[:-1].astype(np.float64)
    z = z - z.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -logp[np.arange(len(ids) - 1), ids[1:]]


def gpt_loss(text: Any, hooks: Any = None) -> dict[str, Any]:
    """Mean next-token loss (nats) of the text, and per token.

    Example: ``gpt_loss("To be, or not to be")["loss"]`` -> about 3
    """
    m = load()
    ids = check_prompt(text, m)
    if len(ids) < 2:
        raise ValueError("text: needs at least two tokens")
    per = token_losses(forward(m, ids, None, check_hooks(hooks, m))[0], ids)
    return {"loss": float(per.mean()), "per_token": per, "tokens": [m.token_text(i) for i in ids]}
