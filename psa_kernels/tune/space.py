"""The search space: presets the checker accepts, drawn by an Optuna trial.

Every candidate is a new_mask_type preset (the kernel with pooled levels and
n in 32/64/128): levels 1, 2, 4, 8, 0 in this order, ranges chained from 0 to
1 in steps of 0.01, ``m = 128``, ``tile_n = 32``. Levels the published kernel
would read wrongly at a given ``n`` (PSA401: a pooled block under half a tile)
stay empty, so what is measured is what the published runtime runs.

A preset is drawn as level widths (topk: shares of key blocks; thresholdbound:
shares of the row's importance mass) that are summed into range ends and
capped at 1, so every draw is a valid chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from psa_config.rules.runtime import misread_levels

MODES: tuple[str, ...] = ("topk", "thresholdbound")
BLOCK_NS: tuple[int, ...] = (32, 64, 128)
BLOCK_M = 128
TILE_N = 32
STEP = 0.01
POOLED_LEVELS: tuple[int, ...] = (2, 4, 8)

WidthRange = tuple[float, float]
WIDTHS: dict[str, dict[int, WidthRange]] = {
    # topk: level 1 keeps at least 1% of the blocks (an empty level 1 is legal but never useful)
    "topk": {1: (0.01, 0.5), 2: (0.0, 0.3), 4: (0.0, 0.3), 8: (0.0, 0.4)},
    # thresholdbound: level 1 covers at least 10% of the mass (below the runtime's 6% floor it warns, PSA405)
    "thresholdbound": {1: (0.1, 0.95), 2: (0.0, 0.25), 4: (0.0, 0.25), 8: (0.0, 0.25)},
}


class Trial(Protocol):
    """The part of ``optuna.Trial`` the space uses."""

    def suggest_categorical(self, name: str, choices: Any) -> Any: ...
    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None) -> float: ...


@dataclass(frozen=True)
class SearchSpace:
    modes: tuple[str, ...] = MODES
    block_ns: tuple[int, ...] = BLOCK_NS

    def __post_init__(self) -> None:
        bad_modes = [m for m in self.modes if m not in MODES]
        bad_ns = [n for n in self.block_ns if n not in BLOCK_NS]
        if not self.modes or bad_modes:
            raise ValueError(f"--mode: expected topk, thresholdbound or both, got {', '.join(self.modes) or 'nothing'}")
        if not self.block_ns or bad_ns:
            raise ValueError(f"--n {','.join(map(str, self.block_ns))}: new_mask_type takes n in 32, 64, 128")


@dataclass(frozen=True)
class Candidate:
    """One drawn preset: mode, key block size and the ends of levels 1, 2, 4, 8."""

    mode: str
    n: int
    ends: tuple[float, float, float, float]

    def mask_ratios(self) -> dict[int, list[float]]:
        """Levels 1, 2, 4, 8, 0 with chained ranges, as the file writes them."""
        starts = (0.0, *self.ends)
        ratios = {level: [starts[i], end] for i, (level, end) in enumerate(zip((1, 2, 4, 8), self.ends))}
        ratios[0] = [self.ends[-1], 1.0]
        return ratios

    def fields(self) -> dict[str, Any]:
        """Preset fields to set (dotted keys as the edit engine takes them)."""
        return {
            "use_sim_mask": False,
            "block_size.m": BLOCK_M,
            "block_size.n": self.n,
            "block_size.tile_n": TILE_N,
            "mask_ratios": self.mask_ratios(),
            "mask_mode": self.mode,
            "attn_impl": "new_mask_type",
        }

    def to_json(self) -> dict[str, Any]:
        return {"mask_mode": self.mode, "n": self.n, "mask_ratios": {str(k): v for k, v in self.mask_ratios().items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Candidate:
        ratios = data["mask_ratios"]
        return cls(str(data["mask_mode"]), int(data["n"]), tuple(float(ratios[str(level)][1]) for level in (1, 2, 4, 8)))  # type: ignore[arg-type]

    def label(self) -> str:
        ends = "/".join(f"{end:.2f}" for end in self.ends)
        return f"{self.mode} n={self.n} ends {ends}"


def allowed_levels(n: int) -> tuple[int, ...]:
    """Levels that may be non-empty at key block ``n`` (level 1 always)."""
    misread = set(misread_levels(n, TILE_N))
    return (1, *(level for level in POOLED_LEVELS if level not in misread))


def suggest(trial: Trial, space: SearchSpace) -> Candidate:
    """Draw a candidate; parameter names carry the mode so each mode's widths are modelled apart."""
    mode = space.modes[0] if len(space.modes) == 1 else trial.suggest_categorical("mode", list(space.modes))
    n = space.block_ns[0] if len(space.block_ns) == 1 else trial.suggest_categorical("n", list(space.block_ns))
    allowed = allowed_levels(n)
    widths = []
    for level, (low, high) in WIDTHS[mode].items():
        widths.append(trial.suggest_float(f"{mode}.w{level}", low, high, step=STEP) if level in allowed else 0.0)
    return Candidate(mode, n, chained_ends(widths))


def chained_ends(widths: list[float]) -> tuple[float, float, float, float]:
    """Running sums of the widths, capped at 1 and rounded to the step (so the file shows 0.35, not 0.35000001)."""
    ends, total = [], 0.0
    for width in widths:
        total = min(1.0, round(total + width, 2))
        ends.append(total)
    return tuple(ends)  # type: ignore[return-value]
