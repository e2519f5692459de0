"""Learning from preferences, the maths of RLHF's reward model and of DPO, for one pair of
answers to the same prompt, a *chosen* one (preferred by people) and a *rejected* one.

    reward model (Bradley–Terry): P(chosen ≻ rejected) = σ(r_c − r_r); loss = −ln σ(r_c − r_r)
    RL (PPO) maximises   r(answer) − β · KL(policy ‖ reference)   per answer
    DPO: loss = −ln σ(β · [(ln π_c − ln ref_c) − (ln π_r − ln ref_r)])

References: Christiano et al. (2017); Ouyang et al. (2022, InstructGPT); Rafailov et al.
(2023, DPO). Leaves out: PPO's clipping and value function, batching.
"""

from __future__ import annotations

import math
from typing import Any

from .._validate import as_number

__kernels__ = ("reward_preference", "dpo_loss", "rlhf_steps")


def log_sigmoid(x: float) -> float:
    """ln σ(x), stable for large |x|. Example: ``log_sigmoid(0.0)`` -> −0.693"""
    return -math.log1p(math.exp(-x)) if x >= 0 else x - math.log1p(math.exp(x))


def reward_preference(chosen: Any = 1.5, rejected: Any = 0.2) -> dict[str, Any]:
    """How likely the reward model finds the chosen answer better, and its training loss.

    Example: ``reward_preference(1.0, 1.0)["probability"]`` -> 0.5
    """
    rc = as_number(chosen, "chosen", -100, 100)
    rr = as_number(rejected, "rejected", -100, 100)
    margin = rc - rr
    return {"margin": margin, "probability": math.exp(log_sigmoid(margin)),
            "loss": -log_sigmoid(margin)}  # fmt: skip


def dpo_loss(
    policy_chosen: Any = -12.0,
    policy_rejected: Any = -15.0,
    reference_chosen: Any = -13.0,
    reference_rejected: Any = -14.0,
    beta: Any = 0.1,
) -> dict[str, Any]:
    """DPO's loss for one pair, from the log-probabilities the trained policy and the frozen
    reference model give each answer; the implied rewards are β times the log-ratios.

    Example: ``dpo_loss(-1, -1, -1, -1)["loss"]`` -> ln 2 = 0.693 (no preference learned yet)
    """
    names = ("policy_chosen", "policy_rejected", "reference_chosen", "reference_rejected")
    values = [
        as_number(v, n, -1e6, 0)
        for v, n in zip(
            (policy_chosen, policy_rejected, reference_chosen, reference_rejected), names,
            strict=True,
        )
    ]  # fmt: skip
    b = as_number(beta, "beta", 1e-4, 10)
    reward_c = b * (values[0] - values[2])
    reward_r = b * (values[1] - values[3])
    margin = reward_c - reward_r
    return {"reward_chosen": reward_c, "reward_rejected": reward_r, "margin": margin,
            "probability": math.exp(log_sigmoid(margin)), "loss": -log_sigmoid(margin)}  # fmt: skip


def rlhf_steps(
    chosen: Any = 1.5, rejected: Any = 0.2, kl: Any = 2.0, beta: Any = 0.1
) -> dict[str, Any]:
    """The numbers of the three-step explainer: the reward model's verdict on a pair, and the
    RL step's objective for the chosen answer with a KL penalty, plus the DPO pair.

    Example: ``rlhf_steps(kl=0)["objective"]`` -> the reward itself (1.5)
    """
    preference = reward_preference(chosen, rejected)
    divergence = as_number(kl, "kl", 0, 1000)
    b = as_number(beta, "beta", 0, 10)
    reward = as_number(chosen, "chosen", -100, 100)
    return {
        "preference": preference,
        "reward": reward,
        "penalty": b * divergence,
        "objective": reward - b * divergence,
        "dpo": dpo_loss(beta=b if b > 0 else 0.1),
    }
