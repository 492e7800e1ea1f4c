"""The typed model of an ``attention_config.yaml``: fields, types and per-field bounds.

This module is the single source of truth for the file's shape: the checker
validates against it and the JSON Schema is generated from it. Cross-field
rules (ratio chains, kernel constraints, runtime divergences) live in
:mod:`psa_config.rules`, because they need the document's positions and must
keep working when some fields are ill-typed.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, RootModel

from psa_config.model_constants import BLOCK_SIZES

Level = Literal[1, 2, 4, 8, 0]
MaskMode = Literal["topk", "thresholdbound"]
AttnImpl = Literal["new_mask_type", "old_mask_type"]
RearrangeMethod = Literal["Gilbert", "STA", "SemanticAware", "Hybrid"]
BlockM = Literal[BLOCK_SIZES]  # type: ignore[valid-type]

Ratio = Annotated[float, Field(ge=0.0, le=1.0)]
RatioRange = Annotated[
    list[Ratio],
    Field(
        min_length=2,
        max_length=2,
        description="[start, end] of this level's share, 0 <= start <= end <= 1.",
    ),
]
SimThreshold = Annotated[float, Field(ge=-1.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)


class _FromFile(_Strict):
    """A model that remembers the raw data it was loaded from: the runtime reads that, not the model."""

    _raw: Any = PrivateAttr(None)

    def raw(self) -> Any:
        """The data as ``yaml.safe_load`` gave it (set by ``load``), else the fields that were set."""
        return self._raw if self._raw is not None else self.model_dump(exclude_unset=True)


class BlockSize(_Strict):
    """Query block, key block and kernel key-tile sizes, in tokens."""

    m: BlockM = Field(description="Query block size (m/4 query tokens are sampled per block).")
    n: BlockM = Field(
        description="Key/value block size: 32, 64 or 128 with new_mask_type, 128 with old_mask_type."
    )
    tile_n: Annotated[int, Field(ge=16, le=256)] = Field(
        description="The kernel's key tile: a power of two >= 16 that divides n (32 for old_mask_type)."
    )


class SimThresholds(_Strict):
    """Cosine-similarity thresholds that cap a key block's pooling level (old_mask_type)."""

    x2: SimThreshold | None = Field(None, description="Allow 2x pooling when the pair similarity exceeds this.")
    x4: SimThreshold | None = Field(None, description="Allow 4x pooling when the 4-token similarity exceeds this.")
    x8: SimThreshold | None = Field(None, description="Allow 8x pooling when the 8-token similarity exceeds this.")


class DensePreset(_Strict):
    """Full attention: the baseline. Carries only a description."""

    type: Literal["dense"] = Field(description="`dense`: full attention.")
    description: str | None = Field(None, description="Human-readable description of the preset.")


class PsaPreset(_FromFile):
    """A Pyramid Sparse Attention preset."""

    type: Literal["psa"] = Field(description="`psa`: pyramid sparse attention.")
    description: str | None = Field(None, description="Human-readable description of the preset.")
    use_sim_mask: bool = Field(
        description="Cap pooling levels by key-block cosine similarity (old_mask_type only)."
    )
    block_size: BlockSize = Field(description="Query/key block sizes and the kernel's key tile.")
    mask_ratios: dict[Level, RatioRange] = Field(
        description=(
            "Level -> [start, end]: 1 full resolution, 2/4/8 pooled keys, 0 skipped. "
            "Ranges must chain in the order listed, from 0 to 1."
        ),
    )
    mask_mode: MaskMode = Field(
        description="`topk`: fixed per-level quotas; `thresholdbound`: cumulative importance thresholds."
    )
    attn_impl: AttnImpl = Field(
        description="Kernel: `new_mask_type` (n 32/64/128, levels 1,2,4,8,0 in order) or `old_mask_type` (m=n=128)."
    )
    use_rearrange: bool | None = Field(None, description="Rearrange tokens for locality (runtime default: true).")
    rearrange_method: RearrangeMethod | None = Field(
        None, description="Token rearrangement algorithm (runtime default: Gilbert)."
    )
    tile_size: Annotated[list[Annotated[int, Field(gt=0)]], Field(min_length=3, max_length=3)] | None = Field(
        None, description="[depth, height, width] tile for STA-style rearrangement; must divide the token grid."
    )
    warmup_steps: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Initial denoising steps run with dense attention (runtime default: 0)."
    )
    verbose: bool | None = Field(None, description="Verbose runtime logging (runtime default: false).")
    sim_thresholds: SimThresholds | None = Field(
        None, description="x2/x4/x8 similarity thresholds in [-1, 1]; all three required with use_sim_mask."
    )
    text_length: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Overrides the model's text_length for this preset (runtime default: the model's)."
    )
    enable_logging: bool | None = Field(None, description="Runtime sparsity logging (runtime default: true).")
    log_dir: str | None = Field(None, description="Where runtime logs go (runtime default: ./psa_logs/).")
    sim_2x_threshold: SimThreshold | None = Field(
        None, description="Legacy form of sim_thresholds.x2; when present the runtime uses it instead of x2."
    )
    sim_4x_threshold: SimThreshold | None = Field(
        None, description="Legacy form of sim_thresholds.x4; when present the runtime uses it instead of x4."
    )
    sim_8x_threshold: SimThreshold | None = Field(
        None, description="Legacy form of sim_thresholds.x8; when present the runtime uses it instead of x8."
    )

    def levels_in_order(self) -> list[tuple[int, float, float]]:
        """(level, start, end) as listed in the file."""
        return [(level, float(r[0]), float(r[1])) for level, r in self.mask_ratios.items()]

    def expected_density(self) -> float | None:
        """Expected FLOP density (psa-semantics section 4) before alignment.

        Defined for ``topk`` (fixed quotas): the runtime walks the levels in the
        order listed, each from where the previous one ended (``start`` is
        never read) to its ``end``; a level gets ``max(0, end - reached)`` of
        the ranks and adds that share / level. ``thresholdbound`` depends on
        the scores, so ``None`` is returned.
        """
        if self.mask_mode != "topk":
            return None
        density = reached = 0.0
        for level, _start, end in self.levels_in_order():
            new_reach = max(reached, min(end, 1.0))
            if level > 0:
                density += (new_reach - reached) / level
            reached = new_reach
        return density

    def runtime_params(self, section: ModelSection, video: tuple[int, int, int]) -> dict[str, Any]:
        """The parameter dict the published runtime builds for this preset of ``section``.

        ``video`` is (width, height, frames); the token grid is computed by
        ceil division and keys left out take the runtime's defaults. Computed
        from the data as loaded, with the runtime's own ``dict.get`` reading.
        """
        from psa_config.runtime import preset_params

        return preset_params(section.raw(), self.raw(), video)


Preset = Annotated[Union[PsaPreset, DensePreset], Field(discriminator="type")]


class VideoScale(_Strict):
    """Divisors from video pixels/frames to the token grid (VAE x patch)."""

    width_divisor: Annotated[int, Field(gt=0)] = Field(description="Pixels per token along the width.")
    height_divisor: Annotated[int, Field(gt=0)] = Field(description="Pixels per token along the height.")
    depth_divisor: Annotated[int, Field(gt=0)] = Field(description="Frames per token along time.")

    def token_grid(self, width: int, height: int, frames: int) -> tuple[int, int, int]:
        """(width, height, depth) tokens for a W x H x F video, by ceil division."""
        return (
            math.ceil(width / self.width_divisor),
            math.ceil(height / self.height_divisor),
            math.ceil(frames / self.depth_divisor),
        )


class ModelSection(_FromFile):
    """One video model: its token geometry and its presets."""

    default_attention: str = Field(description="The preset used when none is named; a key of attention_configs.")
    video_scale: VideoScale = Field(description="Divisors from video size to the token grid.")
    text_length: Annotated[int, Field(ge=0)] = Field(
        description="Text tokens in the attention sequence (0 for text-free models)."
    )
    attention_configs: dict[str, Preset] = Field(description="Preset name -> preset.")

    def sequence_length(self, width: int, height: int, frames: int) -> int:
        w, h, d = self.video_scale.token_grid(width, height, frames)
        return w * h * d + self.text_length

    def runtime_params(self, preset_name: str, video: tuple[int, int, int]) -> dict[str, Any]:
        """The parameter dict the published runtime builds for this preset and video.

        ``video`` is (width, height, frames). Keys the preset leaves out take
        the runtime's defaults, exactly as the runtime applies them.
        """
        from psa_config.runtime import runtime_params

        return runtime_params(self.raw(), preset_name, video)


class AttentionConfigFile(RootModel[dict[str, ModelSection]]):
    """An attention_config.yaml: model name -> model section."""

    root: dict[str, ModelSection]

    def model(self, name: str) -> ModelSection:
        return self.root[name]

    def preset(self, model: str, preset: str) -> PsaPreset | DensePreset:
        return self.root[model].attention_configs[preset]

    def keep_raw(self, data: dict[str, Any]) -> None:
        """Remember the data each section and preset was loaded from (the runtime reads that)."""
        for name, section in self.root.items():
            section._raw = data[name]
            raw_presets = data[name]["attention_configs"]
            for preset_name, preset in section.attention_configs.items():
                preset._raw = raw_presets[preset_name]
