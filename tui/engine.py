"""The only place the TUI calls the edit engine (:mod:`psa_config.edit`).

Every function takes the current text and returns the edited text; the
engine does the surgery on the original bytes, the app never writes YAML.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any


class EngineUnavailable(Exception):
    """The edit engine is not installed in this build."""


def _edit() -> Any:
    try:
        import psa_config.edit as edit
    except ModuleNotFoundError as exc:
        raise EngineUnavailable("editing needs psa_config.edit, which this build lacks") from exc
    return edit


def set_value(text: str, model: str, preset: str, key: str, value: Any) -> str:
    raise EngineUnavailable("set_value: edit engine not wired yet")


def new_preset(text: str, model: str, name: str, source: str | None = None) -> str:
    raise EngineUnavailable("new_preset: edit engine not wired yet")


def remove_preset(text: str, model: str, name: str) -> str:
    raise EngineUnavailable("remove_preset: edit engine not wired yet")


def rename_preset(text: str, model: str, old: str, new: str) -> str:
    raise EngineUnavailable("rename_preset: edit engine not wired yet")


def set_default(text: str, model: str, name: str) -> str:
    raise EngineUnavailable("set_default: edit engine not wired yet")


def diff(old: str, new: str, path: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(lines)


def save(path: Path, original: str, text: str, force: bool = False) -> None:
    raise EngineUnavailable("save: edit engine not wired yet")
