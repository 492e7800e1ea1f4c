"""Whether a dry-run can run here, and running one (kernels extra, imported lazily)."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Protocol

from rich.console import RenderableType

INSTALL_HINT = "Dry-runs need the kernels extra: pip install 'psa-config[kernels]'"
TUI_HEADS = 1
"""One head: the runner's CPU reduction of the sequence, at half its cost, for an interactive answer."""
TUI_DATA = "local"
"""Q/K/V with the locality of real video, so densities (thresholdbound above all) are realistic."""


class Progress(Protocol):
    """What :func:`psa_kernels.dryrun.run_dry_run` reports to."""

    def start(self, total: int) -> None: ...
    def step(self, description: str) -> None: ...
    def advance(self) -> None: ...


@lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """None when torch and ``psa_kernels.dryrun`` can be found; otherwise what to install."""
    for name in ("torch", "psa_kernels"):
        if importlib.util.find_spec(name) is None:
            return INSTALL_HINT
    if importlib.util.find_spec("psa_kernels.dryrun") is None:
        return INSTALL_HINT
    return None


def run(
    text: str,
    path: str,
    model: str,
    preset: str,
    progress: Progress,
    video: tuple[int, int, int] | None = None,
    heads: int | None = None,
) -> RenderableType:
    """Dry-run one preset of the current (unsaved) text on the CPU at a reduced size.

    ``video`` (width, height, frames) and ``heads`` default to the model's
    usual sizes, which the runner reduces for the CPU.

    Raises :class:`psa_config.ConfigError` when the text has errors.
    """
    from psa_config import load_text
    from psa_kernels.dryrun import DryRunRequest, run_dry_run
    from psa_kernels.dryrun.render import report_renderable

    section = load_text(text, path).model(model)
    request = DryRunRequest(
        config_path=path, model=model, section=section, presets=[preset], device="cpu", video=video, heads=heads,
        data=TUI_DATA, command_line=False,
    )
    return report_renderable(run_dry_run(request, progress), fancy=True)
