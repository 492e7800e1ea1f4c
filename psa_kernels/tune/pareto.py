"""Trials as points (objective vs worst error), the feasible Pareto front and the chosen preset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psa_kernels.tune.measure import Measurement
from psa_kernels.tune.space import Candidate

OBJECTIVES: tuple[str, ...] = ("speed", "density")


@dataclass(frozen=True)
class Point:
    """A measured trial."""

    number: int
    candidate: Candidate
    measurement: Measurement

    def value(self, objective: str) -> float:
        """The objective as a number to maximise: speedup, or 1 - density (sparsity)."""
        return self.measurement.speedup if objective == "speed" else 1.0 - self.measurement.density

    def worst(self, metric: str) -> float:
        return self.measurement.worst_error(metric)

    def score(self, objective: str) -> float:
        """The objective to maximise, exactly: ``value`` for density goes through ``1 - density``, which can tie
        two different densities in floating point."""
        return self.measurement.speedup if objective == "speed" else -self.measurement.density


@dataclass(frozen=True)
class Front:
    """All points, the feasible Pareto front (best objective first) and the chosen point."""

    points: list[Point]
    front: list[Point]
    chosen: Point | None
    objective: str
    metric: str
    max_error: float

    @property
    def feasible(self) -> list[Point]:
        return [p for p in self.points if p.worst(self.metric) <= self.max_error]


def point_of(number: int, attrs: dict[str, Any]) -> Point | None:
    """The point a trial's user attributes describe (None for trials without a measurement)."""
    if "candidate" not in attrs or "measurement" not in attrs:
        return None
    return Point(number, Candidate.from_json(attrs["candidate"]), Measurement.from_json(attrs["measurement"]))


def pareto_front(points: list[Point], objective: str, metric: str, max_error: float) -> Front:
    """Non-dominated feasible points: no other feasible point is at least as good on both and better on one."""
    def rank(p: Point) -> tuple[float, float, int]:
        return -p.score(objective), p.worst(metric), p.number

    def dominates(a: Point, b: Point) -> bool:
        better_or_equal = a.score(objective) >= b.score(objective) and a.worst(metric) <= b.worst(metric)
        return better_or_equal and (a.score(objective) > b.score(objective) or a.worst(metric) < b.worst(metric))

    shown = _one_per_candidate(sorted((p for p in points if p.worst(metric) <= max_error), key=rank))
    front = [p for p in shown if not any(dominates(o, p) for o in shown)]
    return Front(points, front, front[0] if front else None, objective, metric, max_error)


def _one_per_candidate(ranked: list[Point]) -> list[Point]:
    """A preset the sampler tried twice counts once, with its best-ranked feasible trial, before dominance is
    decided: a trial that is then hidden can neither stand on the front nor push another preset off it."""
    seen: set[Candidate] = set()
    kept = []
    for point in ranked:
        if point.candidate not in seen:
            seen.add(point.candidate)
            kept.append(point)
    return kept
