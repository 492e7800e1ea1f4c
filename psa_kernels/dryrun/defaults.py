"""Realistic default sizes per model, from the published runtime's example configs."""

from __future__ import annotations

from dataclasses import dataclass

Video = tuple[int, int, int]
"""(width, height, frames)."""


@dataclass(frozen=True)
class ModelDefaults:
    video: Video
    heads: int
    head_dim: int


DEFAULT_VIDEOS: dict[str, Video] = {
    "CogVideo_5b": (720, 480, 49),
    "CogVideo1.5_5b": (1360, 768, 81),
    "Wan2.1_1.3b": (832, 480, 81),
    "Wan2.1_14b": (1280, 720, 81),
    "Wan2.2_A14B": (1280, 720, 81),
    "Wan2.2_5B": (1280, 704, 121),
}
FALLBACK_VIDEO: Video = (832, 480, 81)

DEFAULT_HEADS: dict[str, int] = {
    "Wan2.1_1.3b": 12,
    "Wan2.1_14b": 40,
    "Wan2.2_A14B": 40,
    "Wan2.2_5B": 24,
}
COGVIDEO_HEADS = 48
FALLBACK_HEADS = 24

COGVIDEO_HEAD_DIM = 64
FALLBACK_HEAD_DIM = 128
"""Wan models (and unknown ones) use 128."""


def model_defaults(model: str) -> ModelDefaults:
    """The default video, heads and head dim of ``model`` (a fallback for unknown models)."""
    cogvideo = model.lower().startswith("cogvideo")
    heads = DEFAULT_HEADS.get(model, COGVIDEO_HEADS if cogvideo else FALLBACK_HEADS)
    head_dim = COGVIDEO_HEAD_DIM if cogvideo else FALLBACK_HEAD_DIM
    return ModelDefaults(DEFAULT_VIDEOS.get(model, FALLBACK_VIDEO), heads, head_dim)
