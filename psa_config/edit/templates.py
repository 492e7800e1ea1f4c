"""Values for new presets and models; their keys are ordered like the neighbours'."""

from __future__ import annotations

from psa_config.edit.formatting import Value
from psa_config.edit.render import Like


def psa_preset() -> dict[str, Value]:
    """A preset that passes the checker: new_mask_type, n=128, the published topk pyramid."""
    return {
        "type": "psa",
        "description": "New PSA preset.",
        "use_rearrange": True,
        "use_sim_mask": False,
        "block_size": {"m": 128, "n": 128, "tile_n": 32},
        "mask_ratios": {1: [0.0, 0.1], 2: [0.1, 0.15], 4: [0.15, 0.15], 8: [0.15, 0.35], 0: [0.35, 1.0]},
        "mask_mode": "topk",
        "attn_impl": "new_mask_type",
        "warmup_steps": 0,
        "rearrange_method": "Gilbert",
        "verbose": False,
    }


def model_section() -> dict[str, Value]:
    """A model with only a dense baseline (Wan/CogVideoX-style 16x16x4 token geometry)."""
    return {
        "default_attention": "baseline",
        "video_scale": {"width_divisor": 16, "height_divisor": 16, "depth_divisor": 4},
        "text_length": 0,
        "attention_configs": {"baseline": {"type": "dense", "description": "Dense baseline without sparsity."}},
    }


def in_order_of(value: dict[str, Value], like: Like | None) -> dict[str, Value]:
    """``value`` with its keys in the order a neighbour lists them; keys it lacks go last."""
    order = list(like.children) if like is not None else []
    first = [k for k in order if k in value]
    return {k: value[k] for k in first + [k for k in value if k not in first]}
