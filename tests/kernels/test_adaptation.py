"""The adaptation calculator against PyTorch modules built with LoRA's two thin matrices beside
each frozen one, and against the count Hugging Face's peft prints for Llama 3 8B."""

from __future__ import annotations

import pytest

from pyodide_kernels.maths.lora_size import LLAMA3_8B, TARGETS, lora_parameters, matrix_shapes
from pyodide_kernels.on_model.adaptation import adaptation
from pyodide_kernels.on_model.real_models import published_model

SMALL_LLAMA = {
    "family": "llama", "n_layer": 2, "n_embd": 64, "n_head": 8, "n_kv_head": 2,
    "n_inner": 160, "vocab_size": 300, "n_ctx": 32, "tied": False,
}  # fmt: skip


def torch_lora_counts(torch, shape: dict, rank: int, targets: str) -> tuple[int, int]:
    """(trained, frozen) numbers of a stack of bias-free Linear layers of the block's shapes,
    each targeted one frozen with A (d_in × r) and B (r × d_out) beside it."""
    trained = frozen = 0
    for _ in range(shape["n_layer"]):
        for name, (d_in, d_out) in matrix_shapes(shape).items():
            base = torch.nn.Linear(d_in, d_out, bias=False).requires_grad_(False)
            frozen += base.weight.numel()
            if name in TARGETS[targets]:
                a = torch.nn.Parameter(torch.zeros(d_in, rank))
                b = torch.nn.Parameter(torch.zeros(rank, d_out))
                trained += a.numel() + b.numel()
    return trained, frozen


@pytest.mark.parametrize("targets", sorted(TARGETS))
@pytest.mark.parametrize("rank", [1, 4, 16])
def test_lora_counts_equal_a_torch_module_of_the_same_shapes(torch, targets, rank):
    trained, _ = torch_lora_counts(torch, SMALL_LLAMA, rank, targets)
    assert lora_parameters(SMALL_LLAMA, rank, targets) == trained


def test_llama_3_8b_matches_peft_and_its_published_size():
    # peft's print_trainable_parameters for r=16 on q_proj and v_proj:
    # "trainable params: 6,815,744 || all params: 8,037,076,992"
    result = adaptation("Llama 3 8B", 16, "qv")["costs"]
    assert result["lora"]["trained"] == 6_815_744
    assert result["total"] + result["lora"]["trained"] == 8_037_076_992
    assert published_model("Llama 3 8B")["n_kv_head"] == LLAMA3_8B["n_kv_head"]


def test_lora_is_a_sliver_of_full_fine_tuning_and_its_memory():
    costs = adaptation("Llama 3 8B", 16, "all")["costs"]
    assert costs["lora"]["share"] < 0.01 < costs["full"]["share"] == 1
    assert costs["full"]["memory_bytes"] == 16 * costs["total"]
    # LoRA needs little more memory than running the frozen model
    assert costs["prompting"]["memory_bytes"] < costs["lora"]["memory_bytes"]
    assert costs["lora"]["memory_bytes"] < 1.1 * costs["prompting"]["memory_bytes"]
    assert costs["prompting"]["trained"] == 0


def test_the_count_grows_linearly_with_the_rank():
    one = adaptation("this site's model", 1, "all")["costs"]["lora"]["trained"]
    assert adaptation("this site's model", 8, "all")["costs"]["lora"]["trained"] == 8 * one


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"model": "GPT-9"}, "model: one of"),
        ({"rank": 0}, "rank"),
        ({"targets": "everything"}, "targets: one of qv, attention, all"),
    ],
)
def test_bad_input_is_named(args, message):
    with pytest.raises(ValueError, match=message):
        adaptation(**args)
