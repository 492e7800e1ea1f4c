"""What a tune produced, and its JSON form (one object on stdout with ``--json``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from psa_kernels.tune.pareto import Front, Point
from psa_kernels.tune.samples import Sample


@dataclass
class TuneReport:
    config: str
    model: str
    device: str
    device_name: str
    study: str
    storage: str | None
    trials_run: int
    trials_total: int
    rejected: int
    elapsed_s: float
    samples: list[Sample]
    front: Front
    written: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def on_cuda(self) -> bool:
        return self.device == "cuda"

    def to_json(self, per_sample: bool = True) -> dict[str, Any]:
        front = self.front
        return {
            "config": self.config,
            "model": self.model,
            "device": self.device,
            "device_name": self.device_name,
            "objective": front.objective,
            "metric": front.metric,
            "max_error": front.max_error,
            "study": self.study,
            "storage": self.storage,
            "trials": {"this_run": self.trials_run, "total": self.trials_total, "measured": len(front.points),
                       "feasible": len(front.feasible), "rejected": self.rejected},
            "elapsed_s": round(self.elapsed_s, 3),
            "samples": [{"label": s.label, "seq_len": s.seq_len, "video": list(s.video)} for s in self.samples],
            "pareto": [point_json(p, front, p is front.chosen, per_sample) for p in front.front],
            "chosen": None if front.chosen is None else point_json(front.chosen, front, True, per_sample),
            "written": self.written,
            "notes": list(self.notes),
        }


def point_json(point: Point, front: Front, chosen: bool, per_sample: bool) -> dict[str, Any]:
    m = point.measurement
    body: dict[str, Any] = {
        "trial": point.number,
        "chosen": chosen,
        **point.candidate.to_json(),
        "density": _num(m.density),
        "speedup": _num(m.speedup),
        "kernel_speedup": _num(m.kernel_speedup),
        "worst_error": _num(m.worst_error(front.metric)),
        "mean_error": _num(m.mean_error(front.metric)),
    }
    if per_sample:
        body["per_sample"] = [{"label": s.label, "error": _num(s.error(front.metric)), "density": _num(s.density)}
                              for s in m.samples]
    return body


def _num(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
