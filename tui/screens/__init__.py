"""Modal screens: confirmations, name prompts, the diff preview, help and the dry-run report.

Each screen is imported on first use (markdown and syntax highlighting are
slow to import and not needed to show the file).
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ConfirmScreen": "confirm",
    "DiffScreen": "diff",
    "DryRunScreen": "dryrun",
    "HelpScreen": "help",
    "NamePrompt": "prompt",
}

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"psa_tui.screens.{_WHERE[name]}"), name)
