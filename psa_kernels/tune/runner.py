"""A whole tune: samples, study, trials, front; what the CLI and the TUI call."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch

from psa_config.model import ModelSection
from psa_kernels.dryrun import runner as dryrun
from psa_kernels.dryrun.defaults import Video
from psa_kernels.dryrun.runner import DryRunInputError, DryRunRequest
from psa_kernels.tune.measure import METRICS
from psa_kernels.tune.pareto import OBJECTIVES
from psa_kernels.tune.presets import BasePreset
from psa_kernels.tune.render import TrialProgress
from psa_kernels.tune.report import TuneReport
from psa_kernels.tune.samples import Sample, prepare, sources
from psa_kernels.tune.space import SearchSpace
from psa_kernels.tune.study import TuneSettings, front_of, open_study, run_trials

DEFAULT_PRESET_NAME = "psa_tuned"
CPU_NOTE = ("CPU run: the objective is density (CPU times say nothing about the kernels); "
            "run on CUDA for speedups")


@dataclass
class TuneRequest:
    """What the user asked for; ``None`` means the default (see the CLI's help)."""

    config_path: str
    text: str
    model: str
    section: ModelSection
    max_error: float
    source_preset: str | None
    preset_name: str = DEFAULT_PRESET_NAME
    metric: str = "rel-l2"
    space: SearchSpace = field(default_factory=SearchSpace)
    objective: str | None = None
    trials: int = 32
    samples: int = 2
    qkv_paths: list[str] = field(default_factory=list)
    data: str = "local"
    video: Video | None = None
    heads: int | None = None
    device: str | None = None
    dtype: str | None = None
    full_size: bool = False
    repeat: int | None = None
    seed: int = 0
    storage: str | None = None
    study_name: str | None = None


def run_tune(request: TuneRequest, progress: TrialProgress | None = None) -> TuneReport:
    _check(request)
    device = dryrun.resolve_device(request.device)
    objective = request.objective or ("speed" if device.type == "cuda" else "density")
    if objective == "speed" and device.type != "cuda":
        raise DryRunInputError("--objective speed needs CUDA: CPU times are those of the reference, not the kernels")
    samples = prepare_samples(request, device)
    settings = _settings(request, objective)
    name = request.study_name or f"psa-tune-{request.model}"
    study = open_study(settings, samples, request.storage, name, request.trials)
    callback = progress or TrialProgress(None, request.trials, objective, request.metric, request.max_error)
    start = time.perf_counter()
    run_trials(study, settings, samples, request.trials, callback)
    elapsed = time.perf_counter() - start
    return _report(request, study, settings, samples, device, elapsed)


def _check(request: TuneRequest) -> None:
    if request.metric not in METRICS:
        raise DryRunInputError(f"--metric {request.metric!r}: expected one of {', '.join(METRICS)}")
    if request.objective is not None and request.objective not in OBJECTIVES:
        raise DryRunInputError(f"--objective {request.objective!r}: expected one of {', '.join(OBJECTIVES)}")
    if not request.max_error > 0:
        raise DryRunInputError(f"--max-error {request.max_error}: expected a positive number")
    if request.trials < 0:
        raise DryRunInputError(f"--trials {request.trials}: expected 0 (report the stored study) or more")
    if request.samples < 1:
        raise DryRunInputError(f"--samples {request.samples}: expected a positive integer")


def prepare_samples(request: TuneRequest, device: torch.device) -> list[Sample]:
    dtype_name = request.dtype or ("bf16" if device.type == "cuda" else "fp32")
    if dtype_name not in dryrun.DTYPES:
        raise DryRunInputError(f"--dtype {dtype_name!r}: expected one of {', '.join(dryrun.DTYPES)}")
    template = DryRunRequest(
        config_path=request.config_path, model=request.model, section=request.section, presets=[],
        video=request.video, heads=request.heads, dtype=dtype_name, device=device.type, data=request.data, seed=request.seed,
        full_size=request.full_size,
    )
    repeat = request.repeat or (dryrun.CUDA_REPEAT if device.type == "cuda" else dryrun.CPU_REPEAT)
    found = sources(template, request.qkv_paths, request.samples)
    return [prepare(source, device, dryrun.DTYPES[dtype_name], repeat) for source in found]


def _settings(request: TuneRequest, objective: str) -> TuneSettings:
    base = BasePreset(request.text, request.config_path, request.model, request.source_preset)
    description = "Tuned by psa-config tune."
    return TuneSettings(base, request.preset_name, request.space, request.metric,
                        request.max_error, objective, request.seed, description)


def _report(
    request: TuneRequest, study: object, settings: TuneSettings, samples: list[Sample], device: torch.device,
    elapsed: float,
) -> TuneReport:
    from optuna.trial import TrialState

    trials = study.get_trials(deepcopy=False)  # type: ignore[attr-defined]
    rejected = sum(1 for t in trials if t.state == TrialState.PRUNED)
    return TuneReport(
        config=request.config_path, model=request.model, device=device.type,
        device_name=dryrun.device_name(device), study=study.study_name,  # type: ignore[attr-defined]
        storage=request.storage, trials_run=request.trials, trials_total=len(trials), rejected=rejected,
        elapsed_s=elapsed, samples=samples, front=front_of(study, settings),
        notes=[CPU_NOTE] if device.type != "cuda" else [],
    )
