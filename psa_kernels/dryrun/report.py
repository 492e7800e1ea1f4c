"""The records a dry-run produces, and their JSON form (one object on stdout)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

LEVEL_ORDER: tuple[int, ...] = (1, 2, 4, 8, 0)


@dataclass(frozen=True)
class Finding:
    """A warning about one preset at this size: a layout problem or a config diagnostic."""

    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class StageTimes:
    """Median milliseconds per stage; ``total`` is their sum (dense presets: kernel only)."""

    estimate_ms: float | None
    mask_ms: float | None
    kernel_ms: float

    @property
    def total_ms(self) -> float:
        return sum(t for t in (self.estimate_ms, self.mask_ms, self.kernel_ms) if t is not None)


@dataclass(frozen=True)
class OutputError:
    """The sparse output against dense attention (all rows) and the reference (sampled blocks)."""

    dense_rel_l2: float
    dense_cosine: float
    reference_rel_l2: float | None
    reference_blocks: list[int]
    reference_note: str | None = None


@dataclass
class PresetResult:
    name: str
    type: str
    description: str | None
    settings: dict[str, Any]
    density: float
    expected_density: float | None
    level_shares: dict[int, float]
    times: StageTimes
    dense_ms: float
    peak_memory_bytes: int
    backend: str
    errors: OutputError | None = None
    warnings: list[Finding] = field(default_factory=list)

    @property
    def speedup(self) -> float:
        return _ratio(self.dense_ms, self.times.total_ms)

    @property
    def kernel_speedup(self) -> float:
        return _ratio(self.dense_ms, self.times.kernel_ms)

    @property
    def kernel_over_ideal(self) -> float:
        """(density x dense time) / kernel time: 1.0 = as efficient per FLOP as dense."""
        return _ratio(self.density * self.dense_ms, self.times.kernel_ms)

    def to_json(self) -> dict[str, Any]:
        errors = self.errors
        return {
            "name": self.name,
            "type": self.type,
            "description": self.description,
            "settings": self.settings,
            "backend": self.backend,
            "density": _num(self.density),
            "sparsity": _num(1.0 - self.density),
            "expected_density": _num(self.expected_density),
            "levels": {str(level): _num(self.level_shares.get(level, 0.0)) for level in LEVEL_ORDER},
            "times_ms": {
                "estimate": _num(self.times.estimate_ms),
                "mask": _num(self.times.mask_ms),
                "kernel": _num(self.times.kernel_ms),
                "total": _num(self.times.total_ms),
                "dense": _num(self.dense_ms),
            },
            "speedup": _num(self.speedup),
            "kernel_speedup": _num(self.kernel_speedup),
            "kernel_over_ideal": _num(self.kernel_over_ideal),
            "error": None if errors is None else _errors_json(errors),
            "peak_memory_bytes": self.peak_memory_bytes,
            "warnings": [w.to_json() for w in self.warnings],
        }


@dataclass(frozen=True)
class Reduction:
    """What a CPU run shrank, and why."""

    requested_video: tuple[int, int, int]
    requested_seq_len: int
    requested_heads: int
    requested_batch: int
    reason: str


@dataclass
class DryRunReport:
    config: str
    model: str
    device: str
    device_name: str
    dtype: str
    data: str
    seed: int
    repeat: int
    timer: str
    memory: str
    video: tuple[int, int, int]
    grid: tuple[int, int, int]
    text_length: int
    seq_len: int
    batch: int
    heads: int
    head_dim: int
    dense_ms: float
    dense_peak_memory_bytes: int
    presets: list[PresetResult] = field(default_factory=list)
    reduction: Reduction | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def grid_tokens(self) -> int:
        return math.prod(self.grid)

    def to_json(self) -> dict[str, Any]:
        width, height, depth = self.grid
        return {
            "config": self.config,
            "model": self.model,
            "device": self.device,
            "device_name": self.device_name,
            "dtype": self.dtype,
            "data": self.data,
            "seed": self.seed,
            "repeat": self.repeat,
            "timer": self.timer,
            "memory": self.memory,
            "video": {"width": self.video[0], "height": self.video[1], "frames": self.video[2]},
            "grid": {"width": width, "height": height, "depth": depth, "tokens": self.grid_tokens},
            "text_length": self.text_length,
            "seq_len": self.seq_len,
            "shape": {"batch": self.batch, "heads": self.heads, "seq_len": self.seq_len, "head_dim": self.head_dim},
            "reduced": None if self.reduction is None else _reduction_json(self.reduction),
            "dense": {"time_ms": _num(self.dense_ms), "peak_memory_bytes": self.dense_peak_memory_bytes},
            "presets": [p.to_json() for p in self.presets],
            "notes": list(self.notes),
        }


def _errors_json(errors: OutputError) -> dict[str, Any]:
    return {
        "dense_rel_l2": _num(errors.dense_rel_l2),
        "dense_cosine": _num(errors.dense_cosine),
        "reference_rel_l2": _num(errors.reference_rel_l2),
        "reference_blocks": list(errors.reference_blocks),
        "reference_note": errors.reference_note,
    }


def _reduction_json(reduction: Reduction) -> dict[str, Any]:
    width, height, frames = reduction.requested_video
    return {
        "requested_video": {"width": width, "height": height, "frames": frames},
        "requested_seq_len": reduction.requested_seq_len,
        "requested_heads": reduction.requested_heads,
        "requested_batch": reduction.requested_batch,
        "reason": reduction.reason,
    }


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.inf


def _num(value: float | None) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
