"""Train a LoRA adapter for the shipped model on Shakespeare's sonnets, and write
traces/lora_sonnets.npz and traces/lora_sonnets.json.

LoRA (Hu et al. 2021): every weight of the shipped model stays frozen; beside each adapted
matrix W (stored (in, out), applied as ``x @ W``) two thin matrices are trained, A (r, in) and
B (out, r) as in the paper and Hugging Face's peft, so that the layer computes

    x @ W + b + (alpha / r) · (x @ Aᵀ) @ Bᵀ,   i.e.   W' = W + (alpha / r) · (B A)ᵀ

A starts Kaiming-uniform (peft's default), B at zero, so the adapter starts as no change at all.

Choices (``LoRAConfig``): rank 4, alpha 8 (scale 2), on every block's fused query/key/value
matrix ``attn.c_attn`` only: 4 blocks × 4 · (128 + 384) = 8,192 trained numbers, 0.87 % of the
model's 940,800. That smallest set already moves the style visibly (after "Shall I compare
thee" the base model ends the speech and starts a new scene; with the adapter it writes verse
lines, each starting with a capital "And"/"To"); adding the MLP's c_fc as well (a probe, lr
2e-3) fitted the training sonnets faster but did worse on the held-out ones from 100 steps on
and cost twice as much on plays. 200 steps of 16 windows of 128 tokens (about 12 passes over
the 34k training-sonnet tokens), AdamW at 2e-3 with warm-up and cosine decay: longer runs
overfit (at 600 steps and lr 5e-3 the held-out gain fell from 0.06 to 0.04 nats while the play
cost rose to 0.2).

Data: the sonnets are one of the base model's 36 training works, so it has read them before,
among everything else; the adapter is trained on 139 of the 154 sonnets and measured on the
other 15 (every tenth: 10, 20, …, 150), which it never sees, and on a 1,500-character passage
from the middle of each validation play, which neither model has seen (the cost of
specialising). Both measured texts are shipped in the JSON so the NumPy kernel can recompute
the losses. A loss is the mean over every token of each text, cut into windows of n_ctx + 1
tokens whose targets tile the text once.

Usage: ``python -m reference.lora [--steps N] [--out traces]`` (CPU, 2 threads, seeded,
deterministic; training takes 20-30 s on the
2-core development machine).

Example: ``python -m reference.lora`` -> writes lora_sonnets.npz and lora_sonnets.json
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .corpus import clean, fetch
from .meta import ROOT, trace_metadata
from .model import GPT, Conv1D
from .traces import continuation, encoder, load_model

NAME = "lora_sonnets"
PROMPTS = (
    "Shall I compare thee",
    "When in the chronicle of wasted time",
    "ROMEO:\n",
    "My love is",
)
NEW_TOKENS = 40
HOLD_OUT_EVERY = 10  # sonnets 10, 20, …, 150 are held out
PLAY_PASSAGE_CHARS = 1500
#: The validation split's plays (its sixth work, A Lover's Complaint, is a poem).
PLAYS = (
    "comedy_of_errors",
    "henry_vi_part_1",
    "much_ado_about_nothing",
    "richard_iii",
    "troilus_and_cressida",
)


@dataclass
class LoRAConfig:
    seed: int = 1337
    rank: int = 4
    alpha: float = 8.0  # scale alpha / rank = 2
    targets: tuple[str, ...] = ("attn.c_attn",)
    steps: int = 200
    batch_size: int = 16
    n_ctx: int = 128
    lr: float = 2e-3
    warmup: int = 20
    threads: int = 2


class LoRAConv1D(nn.Module):
    """A frozen Conv1D with a trainable low-rank change: x @ W + b + scale · (x Aᵀ) Bᵀ."""

    def __init__(self, base: Conv1D, rank: int, alpha: float, gen: torch.Generator):
        super().__init__()
        n_in, n_out = base.weight.shape
        self.base = base
        self.scale = alpha / rank
        bound = 1 / math.sqrt(n_in)  # kaiming_uniform_(a=sqrt(5)), as nn.Linear and peft
        self.lora_A = nn.Parameter((torch.rand(rank, n_in, generator=gen) * 2 - 1) * bound)
        self.lora_B = nn.Parameter(torch.zeros(n_out, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.scale * (x @ self.lora_A.T) @ self.lora_B.T


def add_lora(model: GPT, cfg: LoRAConfig) -> dict[str, LoRAConv1D]:
    """Freeze the model and wrap each target; returns the wrappers by the weight they adapt."""
    for p in model.parameters():
        p.requires_grad_(False)
    gen = torch.Generator().manual_seed(cfg.seed)
    adapted = {}
    for i, block in enumerate(model.h):
        for target in cfg.targets:
            parent_name, attr = target.split(".")
            parent = getattr(block, parent_name)
            wrapper = LoRAConv1D(getattr(parent, attr), cfg.rank, cfg.alpha, gen)
            setattr(parent, attr, wrapper)
            adapted[f"h.{i}.{target}"] = wrapper
    return adapted


def sonnets() -> list[str]:
    """The 154 sonnets, each with its Roman numeral heading, in order."""
    text = clean((fetch() / "sonnets_gut.txt").read_text(encoding="utf-8", errors="replace"))
    parts = re.split(r"\n(?=[IVXLC]+\n)", text)[1:]  # the first part is the title
    if len(parts) != 154:
        raise RuntimeError(f"expected 154 sonnets, found {len(parts)}")
    return [p.strip() + "\n" for p in parts]


def play_passages() -> list[str]:
    """One passage of each validation play: whole lines from the play's middle."""
    out = []
    for name in PLAYS:
        text = clean((fetch() / f"{name}_gut.txt").read_text(encoding="utf-8", errors="replace"))
        start = text.index("\n", len(text) // 2) + 1
        end = text.rindex("\n", start, start + PLAY_PASSAGE_CHARS) + 1
        out.append(text[start:end])
    return out


def windows(ids: list[int], n_ctx: int) -> list[list[int]]:
    """Windows of up to n_ctx + 1 tokens whose targets tile ids[1:] exactly once.

    Example: ``windows(list(range(5)), 2)`` -> [[0, 1, 2], [2, 3, 4]]
    """
    return [ids[s : s + n_ctx + 1] for s in range(0, len(ids) - 1, n_ctx)]


@torch.no_grad()
def mean_loss(model: GPT, texts: list[str], encode) -> float:
    """Mean next-token loss (nats) over every token of the texts, each cut into windows."""
    total, count = 0.0, 0
    for text in texts:
        for w in windows(encode(text), model.config.n_ctx):
            idx = torch.tensor([w])
            losses = F.cross_entropy(model(idx[:, :-1])[0].double(), idx[0, 1:], reduction="sum")
            total, count = total + float(losses), count + len(w) - 1
    return total / count


def learning_rate(step: int, cfg: LoRAConfig) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup)
    return 0.5 * cfg.lr * (1 + math.cos(math.pi * progress))


def train(model: GPT, adapted: dict, data: torch.Tensor, cfg: LoRAConfig) -> list[float]:
    params = [p for w in adapted.values() for p in (w.lora_A, w.lora_B)]
    opt = torch.optim.AdamW(params, lr=cfg.lr, betas=(0.9, 0.95), weight_decay=0.0)
    gen = torch.Generator().manual_seed(cfg.seed + 2)
    curve = []
    for step in range(cfg.steps):
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, cfg)
        starts = torch.randint(0, len(data) - cfg.n_ctx - 1, (cfg.batch_size,), generator=gen)
        xy = torch.stack([data[s : s + cfg.n_ctx + 1] for s in starts.tolist()])
        logits = model(xy[:, :-1])
        loss = F.cross_entropy(logits.flatten(0, 1), xy[:, 1:].flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        curve.append(loss.item())
    return curve


def greedy_pairs(model: GPT, adapted: dict, encode, piece) -> list[dict]:
    """Each fixed prompt's greedy continuation with the adapter off (scale 0) and on."""
    out = []
    for prompt in PROMPTS:
        ids = encode(prompt)
        row: dict[str, Any] = {"prompt": prompt}
        for label, on in (("off", False), ("on", True)):
            scales = {k: w.scale for k, w in adapted.items()}
            for w in adapted.values():
                w.scale = w.scale if on else 0.0
            new = continuation(model, ids, NEW_TOKENS, 0.0, 0)
            for k, w in adapted.items():
                w.scale = scales[k]
            row[label] = {"ids": new, "text": "".join(piece(i) for i in new)}
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--out", default=str(ROOT / "traces"))
    args = parser.parse_args(argv)
    cfg = LoRAConfig()
    if args.steps:
        cfg.steps = args.steps
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    torch.use_deterministic_algorithms(True)
    model, tok = load_model(ROOT / "traces", "cpu")
    base_parameters = model.num_parameters()
    encode, piece = encoder(tok)
    every = sonnets()
    held = [s for i, s in enumerate(every, 1) if i % HOLD_OUT_EVERY == 0]
    trained_on = [s for i, s in enumerate(every, 1) if i % HOLD_OUT_EVERY != 0]
    plays = play_passages()
    data = torch.tensor(encode("\n".join(trained_on)), dtype=torch.long)
    before = {"sonnets": mean_loss(model, held, encode), "plays": mean_loss(model, plays, encode)}
    before["train_sonnets"] = mean_loss(model, trained_on, encode)
    adapted = add_lora(model, cfg)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    started = time.perf_counter()
    curve = train(model, adapted, data, cfg)
    seconds = time.perf_counter() - started
    model.eval()
    after = {"sonnets": mean_loss(model, held, encode), "plays": mean_loss(model, plays, encode)}
    after["train_sonnets"] = mean_loss(model, trained_on, encode)
    arrays: dict[str, Any] = {}
    for name, w in adapted.items():
        arrays[f"{name}.lora_A"] = w.lora_A.detach().numpy().astype(np.float32)
        arrays[f"{name}.lora_B"] = w.lora_B.detach().numpy().astype(np.float32)
    out = Path(args.out)
    np.savez_compressed(out / f"{NAME}.npz", **arrays)
    body: dict[str, Any] = {
        "rank": cfg.rank,
        "alpha": cfg.alpha,
        "scale": cfg.alpha / cfg.rank,
        "targets": list(cfg.targets),
        "layout": "A (r, in), B (out, r); W' = W + scale * (B @ A).T for W stored (in, out)",
        "trainable_parameters": trainable,
        "model_parameters": base_parameters,
        "config": asdict(cfg),
        "training_tokens": len(data),
        "training_seconds": seconds,
        "train_loss_first_last": [float(np.mean(curve[:10])), float(np.mean(curve[-10:]))],
        "loss": {"before": before, "after": after},
        "held_out": {
            "sonnets": {"numbers": list(range(10, 155, 10)), "texts": held},
            "plays": {"works": list(PLAYS), "texts": plays},
        },
        "continuations": greedy_pairs(model, adapted, encode, piece),
    }
    meta = trace_metadata(NAME, device="cpu", dtype="float32", seed=cfg.seed)
    (out / f"{NAME}.json").write_text(json.dumps({"meta": meta, **body}, indent=1) + "\n")
    summary = {k: body[k] for k in ("trainable_parameters", "training_seconds", "loss")}
    print(json.dumps(summary, indent=1))
    for row in body["continuations"]:
        print(repr(row["prompt"]), "\n off:", repr(row["off"]["text"]))
        print(" on: ", repr(row["on"]["text"]))


if __name__ == "__main__":
    main()
