"""Token grid and sequence length of a run, the CPU reduction, and layout checks.

The layout checks are the shape problems the schema cannot see because they
depend on the video size (psa-semantics section 6 item 7): Gilbert (and
Hybrid, which orders queries by Gilbert) needs ``seq - text_length`` to equal
the grid product; STA needs ``tile_size`` to divide the grid.

Text position (psa-semantics section 3): CogVideoX's sequence is ``[text,
video]``. Only the Gilbert curve moves the text behind the video, for queries,
keys and values; Hybrid orders only the queries that way (its keys and values
are permuted by k-means clusters); STA tiles the video and keeps the text
first; SemanticAware permutes tokens by cluster and never moves the text
behind the video. The dry-run keeps the text first wherever the runtime does
not put it last (it does not run the k-means permutations).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from psa_config.model import ModelSection, PsaPreset
from psa_config.runtime import RUNTIME_DEFAULTS
from psa_kernels.data import Grid
from psa_kernels.dryrun.defaults import Video

CPU_MAX_TOKENS = 4096
"""Sequence length a CPU run is reduced to (at most)."""
CPU_MAX_HEADS = 2

_VIDEO = re.compile(r"\s*(\d+)\s*[xX]\s*(\d+)\s*[xX]\s*(\d+)\s*")
GILBERT_ORDERED = frozenset({"Gilbert", "Hybrid"})


@dataclass(frozen=True)
class Geometry:
    """A video size as one model sees it."""

    video: Video
    grid: Grid
    text_length: int

    @property
    def seq_len(self) -> int:
        return self.grid.tokens + self.text_length


@dataclass(frozen=True)
class TextLayout:
    """Whether the text tokens follow the video in the queries and in the keys/values the kernels see."""

    queries_at_end: bool
    keys_at_end: bool


TEXT_FIRST = TextLayout(queries_at_end=False, keys_at_end=False)
TEXT_LAYOUTS: dict[str | None, TextLayout] = {
    None: TEXT_FIRST,
    "Gilbert": TextLayout(queries_at_end=True, keys_at_end=True),
    "Hybrid": TextLayout(queries_at_end=True, keys_at_end=False),
    "STA": TEXT_FIRST,
    "SemanticAware": TEXT_FIRST,
}
"""Per rearrangement method (None: no rearrangement), as the runtime's rearrangers place the text."""


@dataclass(frozen=True)
class LayoutWarning:
    code: str
    message: str


def parse_video(text: str) -> Video:
    """``"832x480x81"`` -> (832, 480, 81); raises ``ValueError`` with a readable message."""
    match = _VIDEO.fullmatch(text)
    if match is None or 0 in (video := tuple(int(g) for g in match.groups())):
        raise ValueError(f"--video {text!r}: expected WIDTHxHEIGHTxFRAMES with positive integers, e.g. 832x480x81")
    return video  # type: ignore[return-value]


def geometry(section: ModelSection, video: Video) -> Geometry:
    return Geometry(video, Grid(*section.video_scale.token_grid(*video)), section.text_length)


def reduced_geometry(section: ModelSection, video: Video, max_tokens: int = CPU_MAX_TOKENS) -> Geometry:
    """The run's size on the CPU: a sequence (text included) of at most ``max_tokens``.

    The text keeps its length while it leaves at least half of ``max_tokens``
    to the video; a longer text shrinks with the video, keeping its share of
    the sequence. Returns the full geometry when it already fits.
    """
    full = geometry(section, video)
    if full.seq_len <= max_tokens:
        return full
    text = reduced_text_length(full, max_tokens)
    small = _reduced_video(section, full, max(1, max_tokens - text))
    return Geometry(small, Grid(*section.video_scale.token_grid(*small)), text)


def reduced_text_length(full: Geometry, max_tokens: int) -> int:
    """The text kept in a sequence of ``max_tokens``, leaving the video at least one token."""
    if full.text_length <= max_tokens // 2:
        return full.text_length
    share = full.text_length / full.seq_len
    return max(0, min(full.text_length, math.floor(share * max_tokens), max_tokens - 1))


def reduced_video(section: ModelSection, video: Video, max_tokens: int = CPU_MAX_TOKENS) -> Video:
    """The video of :func:`reduced_geometry`."""
    return reduced_geometry(section, video, max_tokens).video


def _reduced_video(section: ModelSection, full: Geometry, budget: int) -> Video:
    """A smaller video of the same shape whose grid fits ``budget`` tokens.

    Every grid side is scaled by one factor, then the largest side shrinks
    until the grid fits. Returns the video unchanged when it already fits.
    """
    if full.grid.tokens <= budget:
        return full.video
    factor = (budget / full.grid.tokens) ** (1 / 3)
    sides = [max(1, math.floor(side * factor)) for side in full.grid]
    while math.prod(sides) > budget and max(sides) > 1:
        sides[sides.index(max(sides))] -= 1
    scale = section.video_scale
    width, height, depth = sides
    return (width * scale.width_divisor, height * scale.height_divisor, (depth - 1) * scale.depth_divisor + 1)


def preset_text_length(section: ModelSection, preset: PsaPreset) -> int:
    return section.text_length if preset.text_length is None else preset.text_length


def run_text_length(section: ModelSection, preset: PsaPreset, run: Geometry) -> int:
    """The preset's text length at the run's size: scaled as the model's text was by the reduction."""
    given = preset_text_length(section, preset)
    if run.text_length == section.text_length:
        return given
    return min(run.seq_len, round(given * run.text_length / section.text_length))


def rearrange_method(preset: PsaPreset) -> str | None:
    """The rearrangement the runtime applies (its defaults for missing keys), or None."""
    use = RUNTIME_DEFAULTS["use_rearrange"] if preset.use_rearrange is None else preset.use_rearrange
    if not use:
        return None
    return preset.rearrange_method or str(RUNTIME_DEFAULTS["rearrange_method"])


def text_layout(preset: PsaPreset) -> TextLayout:
    """Where the preset's rearrangement puts the text, for queries and for keys/values."""
    return TEXT_LAYOUTS[rearrange_method(preset)]


def layout_warnings(preset: PsaPreset, geo: Geometry, seq_len: int, text_length: int) -> list[LayoutWarning]:
    """What the preset's rearrangement cannot do at this size (``seq_len`` as actually run)."""
    method = rearrange_method(preset)
    if method in GILBERT_ORDERED and seq_len - text_length != geo.grid.tokens:
        return [
            LayoutWarning(
                "gilbert-length",
                f"{method} rearrangement needs seq - text_length = grid product: "
                f"{seq_len} - {text_length} = {seq_len - text_length}, but the "
                f"{_grid_text(geo.grid)} grid has {geo.grid.tokens} tokens",
            )
        ]
    if method == "STA":
        return _sta_warnings(preset, geo.grid)
    return []


def _sta_warnings(preset: PsaPreset, grid: Grid) -> list[LayoutWarning]:
    if preset.tile_size is None:
        return [LayoutWarning("sta-tile", "STA rearrangement needs tile_size [depth, height, width]; none is set")]
    sides = {"depth": grid.depth, "height": grid.height, "width": grid.width}
    pairs = zip(sides.items(), preset.tile_size)
    bad = [f"{name} {side} % {tile} = {side % tile}" for (name, side), tile in pairs if side % tile]
    if not bad:
        return []
    return [
        LayoutWarning(
            "sta-tile",
            f"STA needs tile_size {list(preset.tile_size)} to divide the {_grid_text(grid)} grid "
            f"(depth x height x width): {', '.join(bad)}",
        )
    ]


def _grid_text(grid: Grid) -> str:
    return f"{grid.depth}x{grid.height}x{grid.width}"
