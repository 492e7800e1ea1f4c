"""Constants of the format shared by the model and the pydantic-free checker path."""

BLOCK_SIZES = (16, 32, 64, 128, 256)
"""Block sizes m and n the importance estimator supports (m/4 and n/4 in 4..128)."""

LEVELS = (1, 2, 4, 8, 0)
"""The pyramid levels, in the order new_mask_type requires them."""
