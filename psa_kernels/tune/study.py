"""The Optuna study: objectives, the error budget as a constraint, storage and resuming."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from psa_kernels.tune.measure import measure
from psa_kernels.tune.pareto import Front, Point, pareto_front, point_of
from psa_kernels.tune.presets import BasePreset, CandidateRejected, checked_section, with_candidate
from psa_kernels.tune.samples import Sample
from psa_kernels.tune.space import SearchSpace, suggest

SETTINGS_ATTR = "psa_tune"
IDENTITY_LABELS = {"model": "model", "metric": "metric", "objective": "objective", "samples": "sample set",
                   "device": "device type"}
MIN_STARTUP_TRIALS = 4
MAX_STARTUP_TRIALS = 10


class StudyMismatch(ValueError):
    """Resuming a study that was run with other settings (a one-line message)."""


@dataclass(frozen=True)
class TuneSettings:
    base: BasePreset
    preset_name: str
    space: SearchSpace
    metric: str
    max_error: float
    objective: str
    seed: int
    description: str

    def identity(self, samples: list[Sample]) -> dict[str, Any]:
        """What must match to resume a study: stored values are only comparable under the same ones."""
        return {
            "model": self.base.model,
            "metric": self.metric,
            "objective": self.objective,
            "samples": [[s.label, s.seq_len] for s in samples],
            "device": samples[0].context.device.type,
        }


Callback = Callable[[Point | None, int], None]
"""Called after each trial with the trial's point (None if rejected) and the trial number."""


def open_study(
    settings: TuneSettings, samples: list[Sample], storage: str | None, name: str | None, trials: int
) -> Any:
    """A new or resumed study; refuses a stored study made with other settings."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        storage=storage,
        study_name=name,
        sampler=_sampler(settings, trials),
        directions=["maximize", "minimize"],
        load_if_exists=True,
    )
    identity = settings.identity(samples)
    stored = study.user_attrs.get(SETTINGS_ATTR)
    if stored is None:
        study.set_user_attr(SETTINGS_ATTR, identity)
    elif stored != identity:
        differs = " and ".join(IDENTITY_LABELS[k] for k in identity if stored.get(k) != identity[k])
        recorded = ", ".join(f"{key} {stored.get(key)!r}" for key in identity if key != "samples")
        raise StudyMismatch(f"study {study.study_name!r} was run with another {differs} ({recorded}, and its "
                            "own samples); use another --study")
    return study


def _sampler(settings: TuneSettings, trials: int) -> Any:
    import optuna

    def constraints(trial: Any) -> list[float]:
        point = point_of(trial.number, trial.user_attrs)
        return [1.0] if point is None else [_finite(point.worst(settings.metric)) - settings.max_error]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # multivariate/group TPE are marked experimental
        return optuna.samplers.TPESampler(
            seed=settings.seed, multivariate=True, group=True, constraints_func=constraints,
            n_startup_trials=startup_trials(trials),
        )


def startup_trials(trials: int) -> int:
    return max(MIN_STARTUP_TRIALS, min(MAX_STARTUP_TRIALS, trials // 3))


def run_trials(study: Any, settings: TuneSettings, samples: list[Sample], trials: int, callback: Callback) -> None:
    """Run ``trials`` more trials in ``study``."""
    import optuna

    before = settings.base.baseline_diagnostics()

    def objective(trial: optuna.Trial) -> tuple[float, float]:
        candidate = suggest(trial, settings.space)
        doc = with_candidate(settings.base, settings.preset_name, candidate, settings.description)
        try:
            section = checked_section(doc, settings.base, settings.preset_name, before)
        except CandidateRejected as exc:
            trial.set_user_attr("rejected", str(exc))
            callback(None, trial.number)
            raise optuna.TrialPruned(str(exc)) from None
        measurement = measure(section, settings.preset_name, samples)
        trial.set_user_attr("candidate", candidate.to_json())
        trial.set_user_attr("measurement", measurement.to_json())
        point = point_of(trial.number, trial.user_attrs)
        assert point is not None
        callback(point, trial.number)
        return point.value(settings.objective), _finite(point.worst(settings.metric))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(objective, n_trials=trials, gc_after_trial=False)


def front_of(study: Any, settings: TuneSettings) -> Front:
    """The Pareto front over every measured trial in the study (this run's and earlier ones)."""
    from optuna.trial import TrialState

    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    points = [p for t in trials if (p := point_of(t.number, t.user_attrs)) is not None]
    return pareto_front(points, settings.objective, settings.metric, settings.max_error)


def _finite(value: float) -> float:
    """Optuna rejects NaN objective values; a NaN error counts as the worst possible."""
    return value if math.isfinite(value) else 1e9
