"""The toy maths, one concept per module: softmax, sampling, beam search, the loss, attention (one
head, by hand, several heads), rotary positions, norms, the MLP, mixtures of experts, embeddings,
positions added to the input, costs, the two tokenizers (a BPE trainer and GPT-4's cl100k_base),
preference learning and scaling laws.
Nothing here knows the real model (``model``); the kernels built on it live in ``on_model``.
"""
