"""The KV cache: every block's keys and values of the positions seen so far, kept so that a new
token computes only its own (prefill the prompt once, then decode one row per step).
Preallocated for the whole context window and written in place: concatenating a growing array
per step cost more than the attention itself in the browser.

Example: ``c = KVCache(load().config); forward(load(), [0, 1], c); c.length`` -> 2
"""

from __future__ import annotations

import numpy as np

from .config import GPTConfig


class KVCache:
    """Keys and values (n_layer, kv_heads, n_ctx, head_size), of which ``length`` are filled:
    under grouped-query attention one key/value head serves a group of query heads, so the
    cache is that many times smaller."""

    def __init__(self, config: GPTConfig):
        shape = (config.n_layer, config.kv_heads, config.n_ctx, config.head_size)
        self.k = np.zeros(shape, dtype=np.float32)  # (L, nkv, n_ctx, hs)
        self.v = np.zeros(shape, dtype=np.float32)  # (L, nkv, n_ctx, hs)
        self.length = 0

    def extend(self, layer: int, k: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Write the new positions' keys and values (nkv, T, hs) of one block after the cached
        ones; return all of that block's so far (nkv, length + T, hs), as views.

        Example: ``c.extend(0, k, v)[0].shape`` -> (4, 2, 32) for two new positions
        """
        stop = self.length + k.shape[1]
        self.k[layer, :, self.length : stop] = k
        self.v[layer, :, self.length : stop] = v
        return self.k[layer, :, :stop], self.v[layer, :, :stop]

    def advance(self, count: int) -> None:
        """Count ``count`` more positions as cached (every block has written them)."""
        self.length += count

    def truncate(self, count: int) -> None:
        """Keep only the first ``count`` positions (later writes overwrite the rest): how a
        speculative round takes back the guesses the model rejected.

        Example: ``c.truncate(1); c.length`` -> 1
        """
        if not 0 <= count <= self.length:
            raise ValueError(f"count: expected 0 to {self.length} cached positions, got {count}")
        self.length = count

    def prefix(self, count: int) -> KVCache:
        """A new cache holding a copy of this one's first ``count`` positions.

        Example: ``c.prefix(1).length`` -> 1
        """
        copy = object.__new__(KVCache)
        copy.k, copy.v = self.k.copy(), self.v.copy()
        copy.length = count
        return copy
