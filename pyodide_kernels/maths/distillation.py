"""Knowledge distillation (Hinton et al. 2015): a small *student* model learns from a large
*teacher*'s whole next-token distribution, not only from the one token the text has. Both
sets of logits are softened by a temperature T, and the student is trained to match:

    p = softmax(z_teacher / T)          the teacher's soft targets
    q = softmax(z_student / T)
    soft loss = T² · KL(p ‖ q) = T² · Σ p (ln p − ln q)
    hard loss = −ln softmax(z_student)[label]        ordinary cross-entropy
    loss = α · soft + (1 − α) · hard

T² keeps the soft loss's gradients the size of the hard loss's as T grows. The soft targets
carry what the teacher knows about the wrong answers too ("Juliet" after "Romeo and" is far
likelier than "the"), which one-hot labels throw away.

References: Hinton, Vinyals & Dean (2015), "Distilling the Knowledge in a Neural Network".
Leaves out: training the student, sequence-level distillation.

Example: ``distillation_loss([2, 1, 0], [2, 1, 0])["kl"]`` -> 0.0 (the student already agrees)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import as_int, as_number, as_vector
from .softmax import log_softmax

__kernels__ = ("distillation_loss",)


def distillation_loss(
    teacher: Any = (3.0, 1.5, 0.2, -1.0),
    student: Any = (2.0, 2.0, 0.0, 0.0),
    temperature: Any = 2.0,
    alpha: Any = 0.5,
    label: Any = 0,
) -> dict[str, Any]:
    """The student's loss against the teacher's soft targets and against the true next token.

    Example (the teacher's top token, softened at T = 2):
    ``distillation_loss()["soft_targets"][0]`` -> 0.539
    """
    zt, zs = as_vector(teacher, "teacher"), as_vector(student, "student")
    if zt.shape != zs.shape:
        raise ValueError(f"student: expected {zt.size} logits to match the teacher's")
    if zt.size < 2:
        raise ValueError("teacher: expected at least 2 logits")
    t = as_number(temperature, "temperature", 0.05, 100)
    a = as_number(alpha, "alpha", 0, 1)
    y = as_int(label, "label", 0, zt.size - 1)
    log_p, log_q = log_softmax(zt / t), log_softmax(zs / t)
    p = np.exp(log_p)
    kl = float(np.sum(p * (log_p - log_q)))
    hard = float(-log_softmax(zs)[y])
    soft = t * t * kl
    return {
        "soft_targets": p, "student_soft": np.exp(log_q),
        "hard_targets": np.eye(zt.size)[y],
        "kl": kl, "soft_loss": soft, "hard_loss": hard,
        "loss": a * soft + (1 - a) * hard,
    }  # fmt: skip
