"""GRPO's group-relative advantage (Shao et al. 2024, DeepSeekMath), how reasoning models learn
from rewards a program can check: the model answers one prompt several times, a checker scores
each answer (1 if the final answer is right, say), and each answer's advantage is its reward
against the group's:

    A_i = (r_i − mean(r)) / (std(r) + ε)

An answer better than its group's average gets a positive advantage, and training raises the
probability of every token in it; a worse one is pushed down. No value model is trained, as
PPO needs: the group is the baseline. A group whose answers all score the same teaches nothing
(every A_i is 0).

The std is the sample standard deviation (n − 1 in the denominator), as Hugging Face TRL's
GRPOTrainer computes it with ``torch.std``; ε keeps an all-equal group finite.

References: Shao et al. (2024), "DeepSeekMath", section 4.1; DeepSeek-AI (2025),
"DeepSeek-R1". Leaves out: the clipped policy-ratio objective and its KL penalty, which use
these advantages per token.

Example: ``group_advantages([1, 0, 0, 0], eps=0)["advantages"][0]`` -> 1.5
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_number, as_vector

__kernels__ = ("group_advantages",)

MAX_GROUP = 64


def group_advantages(rewards: Any = (1, 0, 0, 1), eps: Any = 1e-4) -> dict[str, Any]:
    """Each answer's advantage against its group: the mean, the sample std, the advantages,
    and which answers training pushes up.

    Example: ``group_advantages([1, 1, 1, 1])["advantages"]`` -> [0.0, 0.0, 0.0, 0.0]
    """
    r = as_vector(rewards, "rewards")
    if not 2 <= r.size <= MAX_GROUP:
        raise ValueError(f"rewards: a group has 2 to {MAX_GROUP} answers, got {r.size}")
    e = as_number(eps, "eps", 0, 1)
    mean = float(r.mean())
    std = float(r.std(ddof=1))
    advantages = (r - mean) / (std + e)
    return {
        "rewards": r, "mean": mean, "std": std, "advantages": advantages,
        "pushed_up": (advantages > 0).tolist(),
        "learns": bool(np.any(advantages != 0)),
    }  # fmt: skip
