"""Level assignment (section 3) for the public API.

The reference walk is already vectorised over all rows (one stable sort per
row, then one comparison per level), so it is the fast path as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from psa_kernels import reference

if TYPE_CHECKING:
    from psa_config.model import PsaPreset


def assign_levels_fast(
    scores: torch.Tensor, preset: PsaPreset, *, k: torch.Tensor | None, text_length: int | None
) -> torch.Tensor:
    """Same result as :func:`psa_kernels.reference.assign_levels`."""
    return reference.assign_levels(scores, preset, k=k, text_length=text_length)
