"""One candidate preset measured on every sample with dry-run's own pipeline."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from psa_config.model import ModelSection, PsaPreset
from psa_kernels.dryrun import geometry as geo
from psa_kernels.dryrun.pipeline import psa_result
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


def measure(preset: PsaPreset, section: ModelSection, samples: list[Sample], name: str = "candidate") -> Measurement:
    """Run ``preset`` on each sample as ``dry-run`` would (same layout, seed, timings, error)."""
    text_length = geo.preset_text_length(section, preset)
    text_at_end = geo.text_at_end(preset)
    measured = []
    for sample in samples:
        result = psa_result(name, preset, sample.context, text_length=text_length, text_at_end=text_at_end)
        assert result.errors is not None  # psa results always carry errors
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
