"""Hands-on labs on the real model (seed 000's course): change one thing inside the shipped GPT
and compare BASE with TWEAK on the same prompt and seed. The same kernels serve the browser
(``lab_run`` through dispatch) and the command line (``python -m pyodide_kernels.labs``).

``registry`` names every lab once; ``common`` holds what every lab shares; one module per family
of labs (heads, neurons, noise, …). References: seed 000's lab list; Olsson et al. (2022) for
induction heads; nostalgebraist (2020) for the logit lens; Meng et al. (2022) for activation
patching. Leaves out: training probes and sparse autoencoders.

Example: ``lab_run("head-ablation", params={"layer": 3, "head": 0})["effect"]``
"""

from .registry import LABS, SHARED, Lab, lab_list, lab_run

__all__ = ["LABS", "SHARED", "Lab", "lab_list", "lab_run"]
