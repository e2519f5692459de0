"""The families' masks against PyTorch's own (nn.Transformer's square subsequent mask, tril
and triu), and counted by hand."""

from __future__ import annotations

import numpy as np
import pytest

from pyodide_kernels.maths.attention_masks import attention_masks, sliding_window_mask


@pytest.mark.parametrize("tokens", [1, 2, 5, 16])
def test_the_decoders_mask_is_torchs(torch, tokens):
    masks = attention_masks(tokens=tokens)
    subsequent = torch.nn.Transformer.generate_square_subsequent_mask(tokens)  # −inf: hidden
    np.testing.assert_array_equal(masks["decoder"], (subsequent == 0).numpy())
    assert masks["encoder"].all() and masks["cross"].all()


@pytest.mark.parametrize(("tokens", "window"), [(6, 1), (6, 3), (6, 6), (9, 4)])
def test_the_sliding_window_is_a_band_of_the_causal_mask(torch, tokens, window):
    ones = torch.ones(tokens, tokens, dtype=torch.bool)
    band = torch.tril(ones) & torch.triu(ones, diagonal=-(window - 1))
    np.testing.assert_array_equal(sliding_window_mask(tokens, window), band.numpy())


def test_the_counts_by_hand():
    """Six tokens: an encoder lets all 36 pairs through, a decoder 1 + 2 + … + 6 = 21, a window
    of 3 gives 1 + 2 + 3 + 3 + 3 + 3 = 15; the last token reads 6, 6 and 3 keys."""
    masks = attention_masks(tokens=6, window=3, source_tokens=4)
    assert masks["visible"] == {"encoder": 36, "decoder": 21, "sliding": 15, "cross": 24}
    assert masks["keys_read_by_last"] == {"encoder": 6, "decoder": 6, "sliding": 3, "cross": 4}
    with pytest.raises(ValueError, match="window"):
        attention_masks(window=0)
