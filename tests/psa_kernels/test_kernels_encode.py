"""The device-side encoding and K/V pyramid against plain PyTorch."""

from __future__ import annotations

import pytest
import torch

from psa_kernels import reference as ref
from psa_kernels.encode import encode_levels, pyramid


def test_encode_lists_blocks_by_level(device: str) -> None:
    gen = torch.Generator().manual_seed(0)
    levels = torch.tensor([0, 1, 2, 4, 8])[torch.randint(0, 5, (2, 3, 4, 37), generator=gen)].to(torch.int8)
    index, offsets = encode_levels(levels.to(device))
    index, offsets = index.cpu(), offsets.cpu()
    for row_levels, row_index, row_offsets in zip(levels.view(-1, 37), index.view(-1, 37), offsets.view(-1, 8)):
        for slot, level in enumerate((1, 2, 4, 8)):
            listed = row_index[row_offsets[slot] : row_offsets[slot + 1]].tolist()
            assert listed == torch.nonzero(row_levels == level).flatten().tolist()
        assert row_offsets[4] == int((row_levels > 0).sum())


@pytest.mark.parametrize(("block_n", "length"), [(32, 70), (128, 128), (64, 1)])
def test_pyramid_is_means_of_padded_keys(block_n: int, length: int, device: str) -> None:
    k, v = torch.randn(2, 3, length, 64).to(device), torch.randn(2, 3, length, 64).to(device)
    pk, pv = pyramid(k, v, block_n)
    for x, out in ((k, pk), (v, pv)):
        expected = torch.cat([ref.pooled(x, block_n, level) for level in (2, 4, 8)], dim=2)
        torch.testing.assert_close(out.view(2, 3, -1, 64), expected)
