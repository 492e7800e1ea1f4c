"""A valid preset to start kernel tests from."""

from __future__ import annotations

from psa_config.model import PsaPreset


def make_preset(**overrides: object) -> PsaPreset:
    """A valid new_mask_type topk preset with ``overrides`` applied (``block_size`` as a dict)."""
    data: dict[str, object] = {
        "type": "psa",
        "use_sim_mask": False,
        "block_size": {"m": 32, "n": 32, "tile_n": 32},
        "mask_ratios": {1: [0.0, 0.25], 2: [0.25, 0.5], 4: [0.5, 0.5], 8: [0.5, 0.75], 0: [0.75, 1.0]},
        "mask_mode": "topk",
        "attn_impl": "new_mask_type",
    }
    data.update(overrides)
    return PsaPreset.model_validate(data)
