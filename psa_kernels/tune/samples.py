"""The samples a tune measures on: generated (``--data``) or captured (``--qkv`` files or folders).

Each sample is prepared exactly as ``psa-config dry-run`` prepares its input
(same sizes, CPU reduction, dtype) and gets its dense SDPA baseline once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import torch

from psa_kernels.capture.index import INDEX_NAME, read_index
from psa_kernels.data import SUFFIXES
from psa_kernels.dryrun import runner
from psa_kernels.dryrun.defaults import Video
from psa_kernels.dryrun.pipeline import RunContext, dense_baseline
from psa_kernels.dryrun.runner import DryRunInputError, DryRunRequest, Plan
from psa_kernels.dryrun.timing import timer_for


@dataclass(frozen=True)
class Sample:
    """One input with its baseline: ``label`` names it in tables (a file name or ``local seed 3``).

    ``request``, ``plan`` and ``context`` are what dry-run's runner measures a preset with.
    """

    label: str
    request: DryRunRequest
    plan: Plan
    context: RunContext

    @property
    def seq_len(self) -> int:
        return int(self.context.qkv.q.shape[2])

    @property
    def video(self) -> Video:
        return self.plan.geometry.video


@dataclass(frozen=True)
class SampleSource:
    """One sample's request: a dry-run request with its data or file."""

    label: str
    request: DryRunRequest


def sources(template: DryRunRequest, qkv_paths: list[str], samples: int) -> list[SampleSource]:
    """Captured files (folders expanded through their index) or ``samples`` seeds of generated data."""
    if not qkv_paths:
        seeds = range(template.seed, template.seed + samples)
        return [SampleSource(f"{template.data} seed {s}", replace(template, seed=s)) for s in seeds]
    found: list[SampleSource] = []
    for given in qkv_paths:
        found.extend(_captured(template, Path(given)))
    return found


def _captured(template: DryRunRequest, path: Path) -> list[SampleSource]:
    if path.is_file():
        return [SampleSource(path.name, replace(template, qkv_path=str(path)))]
    if not path.is_dir():
        raise DryRunInputError(f"--qkv {path}: no such file or folder")
    if (path / INDEX_NAME).is_file():
        _, records = read_index(path)
        return [
            SampleSource(r.file, replace(template, qkv_path=str(path / r.file), video=template.video or r.video))
            for r in records
        ]
    files = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
    if not files:
        raise DryRunInputError(f"--qkv {path}: no .safetensors or .pt files in the folder")
    return [SampleSource(p.name, replace(template, qkv_path=str(p))) for p in files]


def prepare(source: SampleSource, device: torch.device, dtype: torch.dtype, repeat: int) -> Sample:
    """The sample's tensors on ``device`` and their dense baseline (timed ``repeat`` times)."""
    plan, qkv = runner.prepare(source.request, device, dtype)
    timer = timer_for(device)
    warmup = 1 if device.type == "cuda" else 0
    baseline = dense_baseline(qkv, timer, device, repeat, warmup)
    context = RunContext(qkv, baseline, timer, device, repeat, warmup, source.request.seed, runner.REFERENCE_BLOCKS)
    return Sample(source.label, source.request, plan, context)
