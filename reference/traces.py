"""Record reference traces from the shipped weights with PyTorch.

Writes, under traces/ (``--out``), each with a ``meta`` block (reference/meta.py):
- ``prompts_<device>.json``: for each fixed prompt, its tokens, the attention weights of every
  head (layer, head, query, key), the top-10 next tokens with probabilities, the logit lens
  (top-3 per layer and position), the full last-position logits, a greedy continuation and a
  seeded sampled one (temperature 0.8, top-k 40; the NumPy sampler's rule, so both agree);
- ``induction_<device>.json``: a random token span repeated twice: loss on each copy and every
  head's "induction score" (mean attention from a token of the second copy to the token after
  its previous occurrence); the best head is the induction head;
- ``kvcache_<device>.json``: seconds per decoded token with and without a KV cache, by length;
- and, unless ``--skip-matmul``, the matmul throughput trace (reference/matmul_trace.py).

The Llama-style model's prompts and induction traces come from the same code (``--weights
traces/llama --out traces/llama --only prompts``, then ``--only induction``): a model.json with a
Hugging Face Llama config loads reference/llama.py's model, which returns the same hidden
states and attention weights; the tokenizer is the shared one.

CPU traces are reproducible: regenerating them gives the same numbers to within 1e-5 (the
timings excepted). Usage: ``python -m reference.traces [--device cpu|cuda] [--out traces]``.

Example: ``python -m reference.traces --skip-matmul`` -> writes prompts_cpu.json, …
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from pyodide_kernels.maths.sampling import filtered_distribution

from . import matmul_trace
from .llama import Llama, LlamaConfig
from .meta import ROOT, trace_metadata
from .model import GPT, GPTConfig

SEED = 1337
PROMPTS = (
    "ROMEO:\nBut soft, what light through yonder window breaks?",
    "To be, or not to be, that is the question:",
    "KING HENRY:\nNow, lords, for France!",
    "First Citizen:\nWe are accounted poor citizens,",
    "O Romeo, Romeo, wherefore art thou",
)
TOP_K = 10
NEW_TOKENS = 40


def load_model(traces: Path, device: str) -> tuple[GPT, dict]:
    """The model saved in ``traces`` (the GPT-2, or the Llama where its model.json holds a
    Hugging Face Llama config) and the tokenizer (its own folder's, else the shared one)."""
    saved = json.loads((traces / "model.json").read_text())
    with np.load(traces / "model.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    if saved.get("hf_config", {}).get("model_type") == "llama":
        model = Llama.from_arrays(arrays, LlamaConfig(**saved["config"]))
    else:
        model = GPT.from_arrays(arrays, GPTConfig(**saved["config"]))
    tok_file = traces / "tokenizer.json"
    tok_file = tok_file if tok_file.is_file() else ROOT / "traces" / "tokenizer.json"
    return model.to(device).eval(), json.loads(tok_file.read_text())


def lens_logits(model, hidden: list[torch.Tensor]) -> torch.Tensor:  # noqa: ANN001 (either model)
    """The logit lens (L+1, T, vocab) of every stream of one sequence: the final norm, then the
    tied table (the GPT-2's ln_f and wte; the Llama's model.norm and lm_head)."""
    stream = torch.stack(hidden)[:, 0]
    if isinstance(model, Llama):
        return model.lm_head(model.model.norm(stream))
    return model.ln_f(stream) @ model.wte.weight.T


def encoder(tok: dict):
    from pyodide_kernels.maths.bpe import encode_word, split_words

    ranks = {(a, b): new for a, b, new in tok["merges"]}
    pieces = [bytes.fromhex(h) for h in tok["tokens"]]

    def encode(text: str) -> list[int]:
        return [i for w in split_words(text) for i in encode_word(tuple(w.encode()), ranks)]

    def piece(i: int) -> str:
        return pieces[i].decode("utf-8", errors="backslashreplace")

    return encode, piece


@torch.no_grad()
def continuation(model: GPT, ids: list[int], steps: int, temperature: float, seed: int) -> list:
    """Greedy (temperature 0) or seeded sampling, same rule as pyodide_kernels.model.generate."""
    rng = np.random.default_rng(seed)
    context, out = list(ids), []
    device = next(model.parameters()).device
    for _ in range(steps):
        window = context[-model.config.n_ctx :]
        logits = model(torch.tensor([window], device=device))[0, -1].double().cpu().numpy()
        top_k = None if temperature == 0 else 40
        probs, _ = filtered_distribution(logits, temperature, top_k, None)
        nxt = int(np.argmax(probs)) if temperature == 0 else int(rng.choice(probs.size, p=probs))
        out.append(nxt)
        context.append(nxt)
    return out


@torch.no_grad()
def prompt_trace(model: GPT, encode, piece, prompt: str) -> dict:
    ids = encode(prompt)
    device = next(model.parameters()).device
    logits, hidden, attn = model(torch.tensor([ids], device=device), return_hidden=True)
    probs = logits[0, -1].double().softmax(-1).cpu()
    top = torch.argsort(probs, descending=True, stable=True)[:TOP_K].tolist()
    lens = lens_logits(model, hidden)  # (L+1, T, vocab)
    lens_top = torch.topk(lens.softmax(-1), 3, dim=-1)
    greedy = continuation(model, ids, NEW_TOKENS, 0.0, SEED)
    sampled = continuation(model, ids, NEW_TOKENS, 0.8, SEED)
    return {
        "prompt": prompt,
        "ids": ids,
        "tokens": [piece(i) for i in ids],
        "attention": torch.stack(attn)[:, 0].cpu().numpy().round(6).tolist(),  # (L, nh, T, T)
        "top_k": [{"id": i, "token": piece(i), "prob": float(probs[i])} for i in top],
        "last_logits": logits[0, -1].cpu().numpy().tolist(),
        "logit_lens": {
            "ids": lens_top.indices.cpu().numpy().tolist(),  # (L+1, T, 3)
            "probs": lens_top.values.cpu().numpy().round(6).tolist(),
        },
        "greedy": {"ids": greedy, "text": "".join(piece(i) for i in greedy)},
        "sampled": {
            "ids": sampled,
            "text": "".join(piece(i) for i in sampled),
            "temperature": 0.8,
            "top_k": 40,
            "seed": SEED,
        },
    }


@torch.no_grad()
def induction_trace(model: GPT, data: np.ndarray | None, span: int = 40, rows: int = 8) -> dict:
    """Random spans (tokens drawn from the vocabulary's 256-1023 merged tokens) repeated."""
    gen = torch.Generator().manual_seed(SEED)
    piece = torch.randint(256, model.config.vocab_size, (rows, span), generator=gen)
    idx = torch.cat([piece, piece], 1).to(next(model.parameters()).device)  # (rows, 2 span)
    logits, _, attn = model(idx, return_hidden=True)
    per = F.cross_entropy(logits[:, :-1].flatten(0, 1), idx[:, 1:].flatten(), reduction="none")
    per = per.view(rows, -1)
    q = torch.arange(span, 2 * span)
    k = q - span + 1  # the token after the previous occurrence
    scores = torch.stack([a[:, :, q, k].mean(dim=(0, 2)) for a in attn])  # (L, nh)
    layer, head = divmod(int(scores.argmax()), model.config.n_head)
    return {
        "span": span,
        "rows": rows,
        "example_ids": idx[0].tolist(),
        "first_copy_loss": per[:, : span - 1].mean().item(),
        "second_copy_loss": per[:, span - 1 :].mean().item(),
        "per_position_loss": per.mean(0).cpu().numpy().tolist(),
        "head_scores": scores.cpu().numpy().tolist(),  # (L, nh)
        "induction_head": {"layer": layer, "head": head, "score": float(scores.max())},
        "induction_attention": attn[layer][0, head].cpu().numpy().round(5).tolist(),
    }


@torch.no_grad()
def cached_step(model: GPT, token: int, cache: list, pos: int) -> torch.Tensor:
    """One decoding step with a KV cache (cache: per layer [k, v] of (nh, t, hs))."""
    device = model.wte.weight.device
    x = model.wte.weight[token] + model.wpe.weight[pos]  # (d,)
    nh = model.config.n_head
    hs = model.config.n_embd // nh
    for i, block in enumerate(model.h):
        q, k, v = block.attn.c_attn(block.ln_1(x)).split(model.config.n_embd)
        k, v = k.view(nh, 1, hs), v.view(nh, 1, hs)
        if cache[i]:
            k, v = torch.cat([cache[i][0], k], 1), torch.cat([cache[i][1], v], 1)
        cache[i] = [k, v]
        w = ((q.view(nh, 1, hs) @ k.transpose(1, 2)) / math.sqrt(hs)).softmax(-1)  # (nh, 1, t)
        x = x + block.attn.c_proj((w @ v).reshape(-1))
        x = x + block.mlp(block.ln_2(x))
    del device
    return model.ln_f(x) @ model.wte.weight.T


@torch.no_grad()
def kv_trace(model: GPT, device: str, lengths=(16, 32, 64, 128)) -> list[dict]:
    rows = []
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for n in lengths:
        ids = list(range(300, 300 + n))
        for cached in (False, True):
            best = math.inf
            for _ in range(3):
                sync()
                t0 = time.perf_counter()
                if cached:
                    cache: list = [None] * model.config.n_layer
                    for pos, token in enumerate(ids):
                        cached_step(model, token, cache, pos)
                else:
                    for t in range(1, n + 1):
                        model(torch.tensor([ids[:t]], device=device))
                sync()
                best = min(best, time.perf_counter() - t0)
            rows.append(
                {
                    "length": n,
                    "kv_cache": cached,
                    "seconds": best,
                    "tokens_per_second": n / best,
                }
            )
    return rows


def write(path: Path, kind: str, device: str, body: dict) -> None:
    meta = trace_metadata(kind, device=device, dtype="float32", seed=SEED)
    path.write_text(json.dumps({"meta": meta, **body}) + "\n")
    print("wrote", path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Record reference traces from the weights.")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", default=str(ROOT / "traces"))
    parser.add_argument("--weights", default=str(ROOT / "traces"))
    parser.add_argument("--skip-matmul", action="store_true")
    parser.add_argument("--only", choices=("prompts", "induction", "kvcache"), default=None)
    args = parser.parse_args(argv)
    torch.manual_seed(SEED)
    if args.device == "cpu":
        torch.set_num_threads(2)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model, tok = load_model(Path(args.weights), args.device)
    encode, piece = encoder(tok)
    dev = args.device
    if args.only in (None, "prompts"):
        traces = [prompt_trace(model, encode, piece, p) for p in PROMPTS]
        write(out / f"prompts_{dev}.json", "prompts", dev, {"prompts": traces})
    if args.only in (None, "induction"):
        write(out / f"induction_{dev}.json", "induction", dev, induction_trace(model, None))
    if args.only in (None, "kvcache"):
        write(out / f"kvcache_{dev}.json", "kvcache", dev, {"rows": kv_trace(model, dev)})
    if args.only is None and not args.skip_matmul:
        matmul_trace.main(["--device", dev])


if __name__ == "__main__":
    main()
