"""One candidate preset measured on every sample with dry-run's own pipeline."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from psa_config.model import ModelSection
from psa_kernels.dryrun import runner
from psa_kernels.tune.samples import Sample

METRICS: tuple[str, ...] = ("rel-l2", "cosine")


@dataclass(frozen=True)
class SampleMeasurement:
    label: str
    density: float
    rel_l2: float
    cosine: float
    total_ms: float
    kernel_ms: float
    dense_ms: float

    def error(self, metric: str) -> float:
        """The error under ``metric``: relative L2, or 1 - cosine similarity (0 = identical)."""
        return self.rel_l2 if metric == "rel-l2" else 1.0 - self.cosine


@dataclass(frozen=True)
class Measurement:
    """A candidate on all samples: mean density, summed times, per-sample errors."""

    samples: tuple[SampleMeasurement, ...]

    @property
    def density(self) -> float:
        return sum(s.density for s in self.samples) / len(self.samples)

    @property
    def speedup(self) -> float:
        """Dense SDPA time over the whole PSA pipeline (estimate + mask + kernel), summed over samples."""
        return _ratio(sum(s.dense_ms for s in self.samples), sum(s.total_ms for s in self.samples))

    @property
    def kernel_speedup(self) -> float:
        return _ratio(sum(s.dense_ms for s in self.samples), sum(s.kernel_ms for s in self.samples))

    def errors(self, metric: str) -> list[float]:
        return [s.error(metric) for s in self.samples]

    def worst_error(self, metric: str) -> float:
        return max(self.errors(metric))

    def mean_error(self, metric: str) -> float:
        errors = self.errors(metric)
        return sum(errors) / len(errors)

    def to_json(self) -> list[dict[str, Any]]:
        return [asdict(s) for s in self.samples]

    @classmethod
    def from_json(cls, data: list[dict[str, Any]]) -> Measurement:
        return cls(tuple(SampleMeasurement(**item) for item in data))


def measure(section: ModelSection, name: str, samples: list[Sample]) -> Measurement:
    """Run preset ``name`` of ``section`` on each sample with dry-run's runner (same layout, seed, timings)."""
    measured = []
    for sample in samples:
        result = runner.run_preset(replace(sample.request, section=section), name, sample.plan, sample.context)
        if result.errors is None:
            raise ValueError(f"preset {name!r} is not a psa preset: nothing to tune")
        measured.append(
            SampleMeasurement(
                label=sample.label,
                density=result.density,
                rel_l2=result.errors.dense_rel_l2,
                cosine=result.errors.dense_cosine,
                total_ms=result.times.total_ms,
                kernel_ms=result.times.kernel_ms,
                dense_ms=result.dense_ms,
            )
        )
    return Measurement(tuple(measured))


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.inf
