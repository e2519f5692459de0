"""What adapting a model costs: full fine-tuning trains every weight; LoRA freezes them and
trains, beside each chosen matrix W (d_in × d_out), two thin ones whose product is the change,

    W' = W + (α / r) · A B        A: d_in × r,  B: r × d_out

so a matrix adds r · (d_in + d_out) trained numbers instead of d_in · d_out; prompting trains
nothing. Training memory with mixed-precision Adam is about 16 bytes per *trained* parameter
(a 16-bit weight and gradient, 32-bit master weight and Adam's two moments) and 2 bytes per
frozen one.

The matrices are named as in Llama: q, k, v, o in attention (k and v are n_kv_head × head
size wide under grouped-query attention) and, in the MLP, up and down, with a third, gate, in
SwiGLU's Llama family. (GPT-2 stores q, k and v as one fused matrix; counted here one by one.)

Example: Llama 3 8B at rank 16 on q and v: ``lora_parameters(LLAMA3_8B, 16, "qv")`` -> 6815744
(the count Hugging Face's peft prints for that setting).

References: Hu et al. (2021), "LoRA: Low-Rank Adaptation of Large Language Models";
Rajbhandari et al. (2020), "ZeRO" (16 bytes per parameter). Leaves out: activations and the
KV cache in training memory, biases, LoRA on the embeddings, QLoRA's 4-bit base weights.
"""

from __future__ import annotations

from typing import Any

from .parameter_count import check_shape, parameter_parts

#: Which matrices each choice of targets adapts ("qv" is the LoRA paper's own choice).
TARGETS: dict[str, tuple[str, ...]] = {
    "qv": ("q", "v"),
    "attention": ("q", "k", "v", "o"),
    "all": ("q", "k", "v", "o", "gate", "up", "down"),
}
#: Bytes per parameter while training with mixed-precision Adam, and for a frozen 16-bit one.
TRAINED_BYTES, FROZEN_BYTES = 16, 2


def matrix_shapes(shape: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Each block's weight matrices as (d_in, d_out); GPT-2's MLP has no gate.

    Example: ``matrix_shapes(LLAMA3_8B)["k"]`` -> (4096, 1024)
    """
    s = check_shape(shape)
    d, f = s["n_embd"], s["n_inner"]
    kv = s["n_kv_head"] * (d // s["n_head"])
    shapes = {"q": (d, d), "k": (d, kv), "v": (d, kv), "o": (d, d), "up": (d, f), "down": (f, d)}
    if s["family"] == "llama":
        shapes["gate"] = (d, f)
    return shapes


def lora_parameters(shape: dict[str, Any], rank: int, targets: str) -> int:
    """The numbers LoRA trains: r · (d_in + d_out) for each targeted matrix of every block.

    Example: ``lora_parameters(LLAMA3_8B, 16, "qv")`` -> 6815744
    """
    shapes = matrix_shapes(shape)
    per_block = sum(rank * (i + o) for name, (i, o) in shapes.items() if name in TARGETS[targets])
    return int(shape["n_layer"]) * per_block


def training_memory(total: int, trained: int) -> int:
    """Bytes of weights, gradients and optimiser state: 16 per trained number, 2 per frozen one.

    Example: ``training_memory(100, 10)`` -> 340
    """
    return TRAINED_BYTES * trained + FROZEN_BYTES * (total - trained)


def adaptation_costs(shape: dict[str, Any], rank: int, targets: str) -> dict[str, Any]:
    """Full fine-tuning, LoRA and prompting side by side: trained numbers, their share of the
    model, the training memory and the size of what is saved afterwards (16-bit).

    Example: ``adaptation_costs(LLAMA3_8B, 16, "qv")["lora"]["share"]`` -> 0.000849 (0.085 %)
    """
    total = parameter_parts(shape)["total"]
    lora = lora_parameters(shape, rank, targets)
    rows = {"full": total, "lora": lora, "prompting": 0}
    return {
        name: {
            "trained": trained,
            "share": trained / total,
            "memory_bytes": training_memory(total, trained) if trained else FROZEN_BYTES * total,
            "saved_bytes": FROZEN_BYTES * trained,
        }
        for name, trained in rows.items()
    } | {"total": total}


#: Llama 3 8B's published shape (data/models.json), for the examples above.
LLAMA3_8B = {
    "family": "llama", "n_layer": 32, "n_embd": 4096, "n_head": 32, "n_kv_head": 8,
    "n_inner": 14336, "vocab_size": 128256, "n_ctx": 8192, "tied": False,
}  # fmt: skip
