"""The toy maths, one concept per module: softmax, sampling, the loss, attention (one head, by
hand, several heads), norms, the MLP, mixtures of experts, embeddings, positions, costs, the two
tokenizers (a BPE trainer and GPT-4's cl100k_base), preference learning and scaling laws.
Nothing here knows the real model (``model``); the kernels built on it live in ``on_model``.
"""
