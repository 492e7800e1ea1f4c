"""psa_tui: the Textual editor behind ``psa-config tui``.

Installed as ``psa_tui`` (the source folder is ``tui/``). Needs the ``tui``
extra: ``pip install 'psa-config[tui]'``.
"""

from __future__ import annotations

from pathlib import Path


def run(path: str | Path) -> int:
    """Open ``path`` in the editor; returns the process exit code."""
    from psa_tui.app import run_app

    return run_app(path)


__all__ = ["run"]
