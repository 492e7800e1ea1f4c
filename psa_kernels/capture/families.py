"""What capture needs to know about each diffusers video transformer family.

* where its self-attention modules are (one per transformer block);
* how a latent ``hidden_states`` input maps to a token grid and a video size.

Both families flatten the patch grid frame by frame, row by row (token
``x + width * (y + height * z)``), and CogVideoX puts its text tokens first;
capture keeps that order, which is the one ``psa-config dry-run --qkv`` reads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

VAE_SPATIAL = 8
"""Pixels per latent cell (both families' VAEs)."""
VAE_TEMPORAL = 4
"""Frames per latent frame after the first (both families' VAEs)."""


class CaptureError(ValueError):
    """A model or request capture cannot handle (a one-line message)."""


@dataclass(frozen=True)
class Family:
    """A transformer family: its block list attribute and its latent layout."""

    name: str
    blocks_attribute: str
    frames_axis: int
    """Axis of ``hidden_states`` holding latent frames (channels sit on the other of 1, 2)."""


WAN = Family("wan", "blocks", frames_axis=2)  # hidden_states [B, C, F, H, W]
COGVIDEOX = Family("cogvideox", "transformer_blocks", frames_axis=1)  # hidden_states [B, F, C, H, W]


@dataclass(frozen=True)
class VideoLayout:
    """The video a transformer call works on: token grid (w, h, d) and the pixel size it stands for."""

    grid: tuple[int, int, int]
    video: tuple[int, int, int]

    @property
    def tokens(self) -> int:
        return math.prod(self.grid)


def family_of(model: torch.nn.Module) -> Family:
    name = type(model).__name__
    if name.startswith("Wan"):
        return WAN
    if name.startswith("CogVideoX"):
        return COGVIDEOX
    raise CaptureError(f"capture supports Wan and CogVideoX transformers, not {name}")


def self_attention_modules(model: torch.nn.Module) -> list[torch.nn.Module]:
    """``attn1`` of every block, in block order (the layer index is the position in this list)."""
    blocks = getattr(model, family_of(model).blocks_attribute, None)
    if blocks is None:
        raise CaptureError(f"{type(model).__name__} has no {family_of(model).blocks_attribute}")
    return [block.attn1 for block in blocks]


def patch_sizes(model: torch.nn.Module) -> tuple[int, int, int]:
    """(temporal, height, width) patch size from the model's config."""
    config = model.config
    if family_of(model) is WAN:
        p_t, p_h, p_w = config.patch_size
        return int(p_t), int(p_h), int(p_w)
    return int(config.patch_size_t or 1), int(config.patch_size), int(config.patch_size)


def video_layout(model: torch.nn.Module, hidden_states: torch.Tensor) -> VideoLayout:
    """The token grid and pixel video size of a latent input to ``model``."""
    family = family_of(model)
    if hidden_states.dim() != 5:
        raise CaptureError(f"expected 5-D latent hidden_states, got shape {tuple(hidden_states.shape)}")
    frames = hidden_states.shape[family.frames_axis]
    height, width = hidden_states.shape[-2:]
    p_t, p_h, p_w = patch_sizes(model)
    grid = (width // p_w, height // p_h, math.ceil(frames / p_t))
    video = (width * VAE_SPATIAL, height * VAE_SPATIAL, (frames - 1) * VAE_TEMPORAL + 1)
    return VideoLayout(grid, video)
