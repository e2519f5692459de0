"""Measure the checkpoints of a training run (``reference.train --checkpoints DIR``) with
PyTorch, so a reader can watch the induction circuit form: at every saved step, the validation
loss, the loss on each copy of repeated random tokens, and every head's previous-token and
induction scores; for the final run's induction head, its attention pattern at every step
(the second copy's queries against every key, to 2 decimals: where the copying shows, and small
enough to ship).

The repeated tokens are the NumPy labs' own (``repeated_tokens`` with seeds ``SEEDS``), so the
NumPy model on a shipped checkpoint must give the same scores (tests/test_traces.py).
Writes ``traces/checkpoints_cpu.json`` and copies the weights of ``--ship`` steps to
``traces/checkpoints/step-NNNNN.npz`` for the labs to load.

Usage: ``python -m reference.checkpoints --run .cache/run-cpu [--ship STEP …]`` (by default
the labs' ``SHIPPED`` steps)

Example: ``python -m reference.checkpoints --run .cache/run-cpu`` -> "wrote traces/…_cpu.json"
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from pyodide_kernels.labs.checkpoints import SHIPPED
from pyodide_kernels.labs.roles import LENGTH, SEEDS, repeated_tokens

from .meta import ROOT, trace_metadata
from .model import GPT, GPTConfig
from .train import TrainConfig, evaluate, prepare

STEP_FILE = re.compile(r"step-(\d+)\.npz$")


@torch.no_grad()
def head_scores(model: GPT, length: int = LENGTH, seeds=SEEDS) -> dict:
    """Losses on each copy and each head's scores, averaged over the seeds' sequences:
    previous-token (attention from every token to the one before it) and induction (from a
    second-copy token to the token after its first occurrence), each (layers, heads)."""
    rows = torch.tensor([repeated_tokens(model.config.vocab_size, length, s) for s in seeds])
    logits, _, attn = model(rows, return_hidden=True)
    per = F.cross_entropy(logits[:, :-1].flatten(0, 1), rows[:, 1:].flatten(), reduction="none")
    per = per.view(len(seeds), -1)
    stacked = torch.stack(attn, 1)  # (rows, L, nh, T, T)
    t = torch.arange(1, 2 * length)
    q = torch.arange(length, 2 * length)
    return {
        "first_copy": per[:, : length - 1].mean().item(),
        "second_copy": per[:, length:].mean().item(),
        "previous_token": stacked[..., t, t - 1].mean(dim=(0, 3)).numpy().round(6).tolist(),
        "induction": stacked[..., q, q - length + 1].mean(dim=(0, 3)).numpy().round(6).tolist(),
        "attention": stacked[0].numpy(),  # the first seed's patterns, (L, nh, T, T)
    }


def load_step(path: Path, config: GPTConfig) -> GPT:
    with np.load(path) as npz:
        return GPT.from_arrays({k: npz[k] for k in npz.files}, config).eval()


def measure(run: Path) -> dict:
    """Every checkpoint of ``run`` measured, in step order."""
    config = GPTConfig(**json.loads((ROOT / "traces" / "model.json").read_text())["config"])
    files = sorted(run.glob("checkpoints/step-*.npz"))
    steps = [int(STEP_FILE.search(f.name).group(1)) for f in files]  # type: ignore[union-attr]
    cfg = TrainConfig()
    _, _, val_np, _ = prepare(config.vocab_size)
    val = torch.from_numpy(val_np.astype(np.int64))
    measured = []
    for step, path in zip(steps, files, strict=True):
        model = load_step(path, config)
        scores = head_scores(model)
        measured.append({"step": step, "validation": evaluate(model, val, cfg, "cpu"), **scores})
        print(f"step {step}: val {measured[-1]['validation']:.3f} "
              f"second copy {scores['second_copy']:.2f}", flush=True)  # fmt: skip
    final = np.array(measured[-1]["induction"])
    layer, head = divmod(int(final.argmax()), config.n_head)
    for row in measured:
        pattern = row.pop("attention")[layer, head, LENGTH:]
        row["induction_head_attention"] = pattern.round(2).tolist()
    return {
        "length": LENGTH,
        "seeds": list(SEEDS),
        "induction_head": {"layer": layer, "head": head},
        "steps": steps,
        "checkpoints": measured,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", default=str(ROOT / ".cache" / "run-cpu"))
    parser.add_argument("--out", default=str(ROOT / "traces"))
    parser.add_argument(
        "--ship", nargs="*", type=int, default=list(SHIPPED), help="steps whose weights ship"
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    run, out = Path(args.run), Path(args.out)
    body = measure(run)
    curve = json.loads((run / "loss_curve.json").read_text())
    body["run"] = {k: curve[k] for k in ("meta", "training_seconds", "step", "train", "validation")}
    meta = trace_metadata("checkpoints", device="cpu", dtype="float32", seed=TrainConfig().seed)
    path = out / "checkpoints_cpu.json"
    path.write_text(json.dumps({"meta": meta, **body}) + "\n")
    print("wrote", path)
    (out / "checkpoints").mkdir(exist_ok=True)
    for step in args.ship:
        shutil.copyfile(
            run / "checkpoints" / f"step-{step:05d}.npz",
            out / "checkpoints" / f"step-{step:05d}.npz",
        )


if __name__ == "__main__":
    main()
