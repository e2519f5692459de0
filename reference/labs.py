"""Record each lab's effect figure on its default settings with the PyTorch model, written with
torch's own forward hooks, independently of the NumPy hooks the site runs.

Writes ``traces/labs_<device>.json`` (a ``meta`` block, then one entry per lab: the effect's
name and its BASE and TWEAK numbers). The sampling labs (temperature, style bias,
reproducibility) are left out: their effect depends on the NumPy sampler's random draws, which
PyTorch does not share.

Usage: ``python -m reference.labs [--device cpu|cuda] [--out traces]``
Example: ``python -m reference.labs`` -> traces/labs_cpu.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from pyodide_kernels.labs import LABS
from pyodide_kernels.labs.common import HELD_OUT
from pyodide_kernels.labs.positions import LIST_TEXT
from pyodide_kernels.labs.roles import LENGTH, repeated_tokens
from pyodide_kernels.model import load

from .meta import ROOT, trace_metadata
from .traces import encoder, load_model

Hook = Callable[[torch.nn.Module], list]  # installs hooks on the model, returns their handles


def loss(model, ids: list[int], device: str, install: Hook | None = None, start: int = 0) -> float:
    """Mean next-token cross-entropy of ``ids`` with the hooks ``install`` puts on the model,
    over the predictions from position ``start`` on."""
    handles = install(model) if install else []
    try:
        with torch.no_grad():
            logits = model(torch.tensor([ids], device=device))[0]
        target = torch.tensor(ids[1:], device=device)
        return float(F.cross_entropy(logits[:-1].double()[start:], target[start:]))
    finally:
        for handle in handles:
            handle.remove()


def scale_head(layer: int, head: int, scale: float) -> Hook:
    """Multiply one head's slice of the input to c_proj (the merged heads)."""

    def install(model):
        hs = model.config.n_embd // model.config.n_head

        def pre(_module, args):
            y = args[0].clone()
            y[..., head * hs : (head + 1) * hs] *= scale
            return (y,)

        return [model.h[layer].attn.c_proj.register_forward_pre_hook(pre)]

    return install


def nudge(layer: int, index: int, add: float) -> Hook:
    """Add to one MLP neuron's activation (the input to the MLP's c_proj)."""

    def install(model):
        def pre(_module, args):
            a = args[0].clone()
            a[..., index] += add
            return (a,)

        return [model.h[layer].mlp.c_proj.register_forward_pre_hook(pre)]

    return install


def zero_embedding(stop: int) -> Hook:
    """Zero the first ``stop`` dimensions of every token embedding."""

    def install(model):
        def post(_module, _args, out):
            out = out.clone()
            out[..., :stop] = 0
            return out

        return [model.wte.register_forward_hook(post)]

    return install


def scale_positions(scale: float) -> Hook:
    """Multiply the position embeddings."""

    def install(model):
        return [model.wpe.register_forward_hook(lambda _m, _a, out: out * scale)]

    return install


def noise_after(layer: int, scale: float, seed: int) -> Hook:
    """Add the NumPy hook's seeded noise (one generator per position) after one block."""

    def install(model):
        def post(_module, _args, out):
            t, d = out.shape[1], out.shape[2]
            rows = [np.random.default_rng((seed, p)).standard_normal(d) for p in range(t)]
            noise = torch.tensor(np.stack(rows).astype(np.float32), device=out.device)
            return out + scale * noise

        return [model.h[layer].register_forward_hook(post)]

    return install


def next_prob(model, ids: list[int], device: str) -> tuple[float, int]:
    """The probability and id of the most likely next token."""
    with torch.no_grad():
        p = model(torch.tensor([ids], device=device))[0, -1].double().softmax(-1)
    return float(p.max()), int(p.argmax())


def record(device: str = "cpu") -> dict:
    """Every deterministic lab's effect, computed with PyTorch."""
    model, tok = load_model(ROOT / "traces", device)
    encode, _ = encoder(tok)
    held = encode(HELD_OUT)
    d = dict(LABS)
    p = {name: lab.defaults(load()) for name, lab in d.items()}  # heads as the NumPy labs find them
    base = loss(model, held, device)
    lists = encode(LIST_TEXT)
    ablate, scale = p["head-ablation"], p["head-scale"]
    noise, zero = p["residual-noise"], p["zero-embeddings"]
    labs = {
        "head-ablation": (
            base,
            loss(model, held, device, scale_head(ablate["layer"], ablate["head"], 0.0)),
        ),
        "head-scale": (
            base,
            loss(model, held, device, scale_head(scale["layer"], scale["head"], scale["scale"])),
        ),
        "zero-embeddings": (
            base,
            loss(
                model, held, device, zero_embedding(round(zero["fraction"] * model.config.n_embd))
            ),
        ),
        "residual-noise": (
            base,
            loss(model, held, device, noise_after(noise["layer"], noise["scale"], 1)),
        ),
        "boost-positions": (
            loss(model, lists, device),
            loss(model, lists, device, scale_positions(p["boost-positions"]["scale"])),
        ),
    }
    clean, corrupted = encode(p["patching"]["clean"]), encode(p["patching"]["corrupted"])
    clean_prob, target = next_prob(model, clean, device)
    with torch.no_grad():
        corrupted_p = model(torch.tensor([corrupted], device=device))[0, -1].double().softmax(-1)
    labs["patching"] = (clean_prob, float(corrupted_p[target]))
    ids = repeated_tokens(len(tok["tokens"]), p["induction"]["length"], 1)
    with torch.no_grad():
        logits = model(torch.tensor([ids], device=device))[0]
    per = F.cross_entropy(
        logits[:-1].double(), torch.tensor(ids[1:], device=device), reduction="none"
    )
    n = p["induction"]["length"]
    labs["induction"] = (float(per[: n - 1].mean()), float(per[n:].mean()))
    circuit, copied = p["induction-circuit"], repeated_tokens(len(tok["tokens"]), LENGTH, 1)
    labs["induction-circuit"] = (
        loss(model, copied, device, None, LENGTH),
        loss(model, copied, device, scale_head(circuit["layer"], circuit["head"], 0.0), LENGTH),
    )
    prompt = encode("ROMEO:")
    neuron = p["nudge-neuron"]
    row = model.h[neuron["layer"]].mlp.c_proj.weight[neuron["index"]]  # what the neuron writes
    top = int(torch.argmax(model.wte.weight @ row))

    def prob_of(install: Hook | None) -> float:
        handles = install(model) if install else []
        try:
            with torch.no_grad():
                probs = model(torch.tensor([prompt], device=device))[0, -1].double().softmax(-1)
            return float(probs[top])
        finally:
            for handle in handles:
                handle.remove()

    labs["nudge-neuron"] = (
        prob_of(None),
        prob_of(
            nudge(p["nudge-neuron"]["layer"], p["nudge-neuron"]["index"], p["nudge-neuron"]["add"])
        ),
    )
    with torch.no_grad():
        _, hidden, _ = model(torch.tensor([prompt], device=device), return_hidden=True)
        unembed = [(model.ln_f(h[0, -1]) @ model.wte.weight.T).double().softmax(-1) for h in hidden]
    labs["logit-lens"] = (float(unembed[0].max()), float(unembed[-1].max()))
    weights = p["weight-matrix"]
    hs = model.config.n_embd // model.config.n_head
    c_attn = model.h[weights["layer"]].attn.c_attn.weight.detach()  # (d, 3d), queries first
    labs["weight-matrix"] = tuple(
        float(torch.linalg.norm(c_attn[:, h * hs : (h + 1) * hs])) for h in (0, weights["head"])
    )
    return {name: {"base": b, "tweak": t} for name, (b, t) in labs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", type=Path, default=ROOT / "traces")
    args = parser.parse_args()
    torch.manual_seed(0)
    trace = {"meta": trace_metadata("labs", args.device, "float32", 1), "labs": record(args.device)}
    path = args.out / f"labs_{args.device}.json"
    path.write_text(json.dumps(trace, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
