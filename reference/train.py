"""Train the small GPT on Shakespeare and write traces/model.npz, traces/tokenizer.json and
traces/loss_curve.json.

Recipe (``TrainConfig``): the project's byte-level BPE (vocabulary 1024) trained on the training
works; AdamW, linear warm-up then cosine decay; batches of ``batch_size`` windows of ``n_ctx``
tokens drawn with a seeded generator. One change from plain language modelling, so that the model
forms an induction head (Shakespeare alone gave none in a probe): a fraction ``repeat_fraction``
of each batch's rows are a random token span (uniform over the vocabulary, length 8 to n_ctx/2)
repeated to fill the window. Such a row can only be predicted after its first copy, by looking
up "the token after the previous occurrence". The reported training loss counts the Shakespeare
rows only; validation loss is on held-out works.

Usage: ``python -m reference.train [--arch gpt2|llama] [--device cpu|cuda] [--steps N]
[--measure K] [--checkpoints DIR]``; ``--arch llama`` trains reference/llama.py's Llama-style
model by the same recipe on the shipped tokenizer (traces/tokenizer.json, not retrained) into
traces/llama/ (model.npz under Hugging Face's names, model.json with its HF config too);
``--measure K`` times K steps and extrapolates the whole run without writing anything;
``--checkpoints DIR`` also saves the weights at each of ``CHECKPOINT_STEPS`` (denser early,
where the induction head forms) as ``DIR/step-NNNNN.npz``, which ``reference.checkpoints``
measures.

Example: ``python -m reference.train --measure 10`` -> "… s/step on cpu, … min for 4400 steps"
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from pyodide_kernels.maths import bpe

from .corpus import ROOT, load
from .llama import Llama, LlamaConfig
from .meta import trace_metadata
from .model import GPT, GPTConfig

TRACES = ROOT / "traces"
TOKEN_CACHE = ROOT / ".cache" / "tokens.npz"
#: The steps whose weights ``--checkpoints`` saves (0: before the first update); 24 in all,
#: dense from step 1000 to 2400, where a first run of this recipe on a CPU formed its induction
#: head (the loss on a repeated sequence's second copy fell from 10.2 to 1.7 nats by the end).
CHECKPOINT_STEPS = (0, 100, 200, 400, 600, 800, 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700,
                    1800, 1900, 2000, 2100, 2200, 2400, 2700, 3000, 3500, 4400)  # fmt: skip


@dataclass
class TrainConfig:
    seed: int = 1337
    steps: int = 4400
    batch_size: int = 32
    lr: float = 6e-3
    min_lr: float = 3e-4
    warmup: int = 50
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    repeat_fraction: float = 0.25
    repeat_source: str = "text"  # "text": a real span; "unigram": tokens drawn from the corpus
    eval_every: int = 100
    eval_batches: int = 8
    threads: int = 2


def tokenizer_json(tokenizer: bpe.Tokenizer) -> dict:
    """The tokenizer as JSON: merges in order, the word pattern, and every token's bytes (hex)."""
    return {
        "mode": tokenizer.mode,
        "pattern": bpe.WORD_PATTERN.pattern,
        "vocab_size": 256 + len(tokenizer.merges),
        "merges": [[a, b, new] for (a, b), _, new in tokenizer.merges],
        "counts": [count for _, count, _ in tokenizer.merges],
        "tokens": [tokenizer.pieces[i].hex() for i in range(256 + len(tokenizer.merges))],  # type: ignore[union-attr]
    }


def shipped_tokenizer(path: Path = TRACES / "tokenizer.json") -> bpe.Tokenizer:
    """The tokenizer the shipped GPT-2 was trained with, rebuilt from its JSON."""
    table = json.loads(path.read_text())
    base = [bytes([i]).decode("latin-1") for i in range(256)]
    counts = table["counts"]
    merges = [((a, b), c, new) for (a, b, new), c in zip(table["merges"], counts, strict=True)]
    return bpe.Tokenizer("byte", base, merges)


def prepare(vocab_size: int, reuse: bool = False) -> tuple[dict, np.ndarray, np.ndarray, dict]:
    """Train the tokenizer (or, with ``reuse``, take the shipped one) and encode both splits
    (cached in .cache/tokens.npz)."""
    corpus = load()
    if reuse:
        tokenizer = shipped_tokenizer()
    else:
        tokenizer = bpe.train(corpus.train, vocab_size - 256, "byte")
    tok = tokenizer_json(tokenizer)
    key = json.dumps(tok["merges"])
    if TOKEN_CACHE.is_file():
        cached = np.load(TOKEN_CACHE)
        if str(cached["key"]) == key:
            return tok, cached["train"], cached["validation"], corpus.checksums
    train = np.array(tokenizer.encode(corpus.train), dtype=np.uint16)
    validation = np.array(tokenizer.encode(corpus.validation), dtype=np.uint16)
    np.savez(TOKEN_CACHE, train=train, validation=validation, key=np.array(key))
    return tok, train, validation, corpus.checksums


def batch(data: torch.Tensor, rows: int, n_ctx: int, gen: torch.Generator) -> torch.Tensor:
    starts = torch.randint(0, len(data) - n_ctx - 1, (rows,), generator=gen)
    return torch.stack([data[s : s + n_ctx + 1] for s in starts.tolist()])  # (rows, T+1)


def repeated_rows(
    data: torch.Tensor, rows: int, n_ctx: int, source: str, gen: torch.Generator
) -> torch.Tensor:
    """Spans repeated to fill n_ctx + 1 tokens: the induction-head curriculum. A span is either
    a stretch of real text or tokens drawn independently from the corpus (unigram)."""
    out = torch.empty(rows, n_ctx + 1, dtype=torch.long)
    for r in range(rows):
        span = int(torch.randint(8, n_ctx // 2 + 1, (1,), generator=gen))
        if source == "text":
            start = int(torch.randint(0, len(data) - span, (1,), generator=gen))
            piece = data[start : start + span]
        else:
            piece = data[torch.randint(0, len(data), (span,), generator=gen)]
        out[r] = piece.repeat(math.ceil((n_ctx + 1) / span))[: n_ctx + 1]
    return out


def learning_rate(step: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def evaluate(model: GPT | Llama, data: torch.Tensor, cfg: TrainConfig, device: str) -> float:
    gen = torch.Generator().manual_seed(cfg.seed + 1)  # the same windows every time
    n_ctx = model.config.n_ctx
    losses = []
    for _ in range(cfg.eval_batches):
        xy = batch(data, cfg.batch_size, n_ctx, gen).to(device)
        logits = model(xy[:, :-1])
        losses.append(F.cross_entropy(logits.flatten(0, 1), xy[:, 1:].flatten()).item())
    return float(np.mean(losses))


@torch.no_grad()
def induction_losses(
    model: GPT | Llama, data: torch.Tensor, seed: int, device: str, span: int = 48, rows: int = 16
) -> dict:
    """Mean loss on the first and on the second copy of repeated random token spans (tokens
    drawn independently from ``data``, so the first copy is unpredictable)."""
    gen = torch.Generator().manual_seed(seed)
    piece = data[torch.randint(0, len(data), (rows, span), generator=gen)]  # (rows, span)
    idx = torch.cat([piece, piece], dim=1).to(device)  # (rows, 2 span)
    per_token = F.cross_entropy(
        model(idx[:, :-1]).flatten(0, 1), idx[:, 1:].flatten(), reduction="none"
    ).view(rows, -1)
    return {
        "span": span,
        "first_copy": per_token[:, : span - 1].mean().item(),
        "second_copy": per_token[:, span:].mean().item(),
    }


def unigram_loss(train: np.ndarray, validation: np.ndarray, vocab: int) -> float:
    """Cross-entropy of validation under train token frequencies (add-one smoothing), nats."""
    counts = np.bincount(train, minlength=vocab).astype(np.float64) + 1.0
    logp = np.log(counts / counts.sum())
    return float(-logp[validation].mean())


def train_step(
    model: GPT, opt: torch.optim.Optimizer, xy: torch.Tensor, cfg: TrainConfig
) -> torch.Tensor:
    """One step of training on a batch of token rows: predict every next token at once (teacher
    forcing), take the mean cross-entropy as the loss, backpropagate it, clip the gradients and
    let AdamW move every weight. Returns each position's loss, (rows, n_ctx).
    """
    logits = model(xy[:, :-1])  # (rows, n_ctx, vocab): a prediction at every position
    per_token = F.cross_entropy(logits.flatten(0, 1), xy[:, 1:].flatten(), reduction="none")
    loss = per_token.mean()
    opt.zero_grad(set_to_none=True)
    loss.backward()  # every weight's gradient of the loss
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
    opt.step()
    return per_token.view(xy.shape[0], -1)


def save_checkpoint(folder: Path | None, step: int, model: GPT | Llama) -> None:
    """The weights before update ``step`` (after ``step`` updates) into ``folder``, if that step
    is one of ``CHECKPOINT_STEPS``."""
    if folder is not None and step in CHECKPOINT_STEPS:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / f"step-{step:05d}.npz", **model.state_arrays())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", choices=("gpt2", "llama"), default="gpt2")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--measure", type=int, default=0)
    parser.add_argument("--out", default="", help="default traces/ (gpt2), traces/llama/")
    parser.add_argument(
        "--checkpoints", default="", help="folder for the weights at CHECKPOINT_STEPS"
    )
    parser.add_argument("--set", nargs="*", default=[], help="overrides, e.g. lr=0.004 n_layer=4")
    args = parser.parse_args()
    llama = args.arch == "llama"
    cfg, mcfg = TrainConfig(), LlamaConfig() if llama else GPTConfig()
    for item in args.set:
        key, value = item.split("=")
        target = cfg if hasattr(cfg, key) else mcfg
        setattr(target, key, type(getattr(target, key))(value))
    if args.steps:
        cfg.steps = args.steps
    if args.device == "cpu":
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    tok, train_np, val_np, checksums = prepare(mcfg.vocab_size, reuse=llama)
    train = torch.from_numpy(train_np.astype(np.int64))
    val = torch.from_numpy(val_np.astype(np.int64))
    model = (Llama(mcfg) if isinstance(mcfg, LlamaConfig) else GPT(mcfg)).to(args.device)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.95))
    gen = torch.Generator().manual_seed(cfg.seed)
    n_rep = round(cfg.batch_size * cfg.repeat_fraction)
    curve = {"step": [], "train": [], "validation": []}
    running, t0 = [], time.time()
    total = args.measure or cfg.steps
    saves = Path(args.checkpoints) if args.checkpoints and not args.measure else None
    for step in range(total):
        save_checkpoint(saves, step, model)
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, cfg)
        text = batch(train, cfg.batch_size - n_rep, mcfg.n_ctx, gen)
        xy = torch.cat([text, repeated_rows(train, n_rep, mcfg.n_ctx, cfg.repeat_source, gen)]).to(
            args.device
        )
        per_token = train_step(model, opt, xy, cfg)  # type: ignore[arg-type]  # shown in ch. 6
        running.append(per_token[: cfg.batch_size - n_rep].mean().item())
        if args.measure:
            continue
        if (step + 1) % cfg.eval_every == 0 or step == 0:
            curve["step"].append(step + 1)
            curve["train"].append(float(np.mean(running)))
            curve["validation"].append(evaluate(model, val, cfg, args.device))
            running = []
            tr, va = curve["train"][-1], curve["validation"][-1]
            print(
                f"step {step + 1}: train {tr:.3f} val {va:.3f} ({time.time() - t0:.0f} s)",
                flush=True,
            )
    seconds = time.time() - t0
    if args.measure:
        per = seconds / args.measure
        print(
            f"{per:.3f} s/step on {args.device}, "
            f"{per * cfg.steps / 60:.1f} min for {cfg.steps} steps"
        )
        return
    out = Path(args.out or (TRACES / "llama" if llama else TRACES))
    out.mkdir(parents=True, exist_ok=True)
    save_checkpoint(saves, cfg.steps, model)
    np.savez(out / "model.npz", **model.state_arrays())
    meta = trace_metadata("loss_curve", device=args.device, dtype="float32", seed=cfg.seed)
    tok = {"meta": {**meta, "kind": "tokenizer"}, **tok}
    config = {"meta": {**meta, "kind": "model_config"}, "config": mcfg.to_dict()}
    if isinstance(mcfg, LlamaConfig):  # it reuses traces/tokenizer.json, adds HF's config
        config["hf_config"] = mcfg.to_hf_dict()
    else:
        (out / "tokenizer.json").write_text(json.dumps(tok) + "\n")
    (out / "model.json").write_text(json.dumps(config, indent=1) + "\n")
    record = {
        "meta": meta,
        "model": mcfg.to_dict(),
        "train": asdict(cfg),
        "parameters": model.num_parameters(),
        "train_tokens": int(len(train_np)),
        "validation_tokens": int(len(val_np)),
        "tokens_seen": cfg.steps * cfg.batch_size * mcfg.n_ctx,
        "training_seconds": round(seconds, 1),
        "unigram_validation_loss": unigram_loss(train_np, val_np, mcfg.vocab_size),
        "induction": induction_losses(model, val, cfg.seed + 2, args.device),
        "corpus_sha256": checksums,
        **curve,
    }
    (out / "loss_curve.json").write_text(json.dumps(record, indent=1) + "\n")
    print(json.dumps({k: record[k] for k in ("parameters", "training_seconds", "induction")}))


if __name__ == "__main__":
    main()
