"""Whether a dry-run can run here, and running one (kernels extra, imported lazily)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import lru_cache

from rich.console import RenderableType

INSTALL_HINT = "Dry-runs need the kernels extra: pip install 'psa-config[kernels]'"


@lru_cache(maxsize=1)
def unavailable_reason() -> str | None:
    """None when ``psa_kernels.dryrun`` and torch import; otherwise what to install."""
    for name in ("torch", "psa_kernels"):
        if importlib.util.find_spec(name) is None:
            return INSTALL_HINT
    try:
        from psa_kernels.dryrun import run_dry_run  # noqa: F401
    except ImportError:
        return INSTALL_HINT
    return None

STEPS = 3
"""Progress steps reported by :func:`run`: load, run, render."""


def run(text: str, path: str, model: str, preset: str, progress: Callable[[str], None]) -> RenderableType:
    """Dry-run ``preset`` of ``model`` at a small CPU size; returns a renderable report."""
    raise NotImplementedError("dry-run runner not wired yet")
