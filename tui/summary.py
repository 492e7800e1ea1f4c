"""Read-only text of the form: under a model's fields, a dense preset, a file that cannot be read."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from psa_config.core_schema import psa_only_fields
from psa_tui.session import Session


def model_lines(session: Session, model: str) -> list[str]:
    """What the model page shows under the model's fields."""
    diagnostics = session.diagnostics_for(model)
    errors = sum(d.is_error for d in diagnostics)
    return [
        "",
        f"presets      {escape(', '.join(session.presets(model)) or 'none')}",
        f"diagnostics  {errors} error(s), {len(diagnostics) - errors} warning(s)",
        "",
        "[dim]In the tree: n adds a preset, m a model; on this model c copies it, r renames it, x deletes it.[/]",
    ]


def dense_lines(preset: dict[str, Any]) -> list[str]:
    lines = [
        f"type         {escape(str(preset.get('type', '(missing)')))}",
        f"description  {escape(str(preset.get('description', '')))}",
        "",
        "A dense preset is full attention: it has no other fields.",
    ]
    ignored = [str(key) for key in preset if key in psa_only_fields()]
    if ignored:
        lines += [
            "",
            f"[yellow]It still carries psa keys the runtime ignores (PSA411): {escape(', '.join(ignored))}.[/]",
            "[dim]They are kept in the file; write `type: psa` to run them.[/]",
        ]
    return lines


def malformed_lines(session: Session) -> list[str]:
    """The located errors that keep the file from being read, and how to get going again."""
    lines = ["[b red]This file is not valid YAML, so it cannot be edited here.[/]", ""]
    for d in session.malformed():
        lines.append(f"[red]line {d.line}, column {d.column}[/]: {escape(d.code)} {escape(d.full_message())}")
    lines += [
        "",
        "Fix it in your editor, save, then press ctrl+l here to reload",
        "(a change on disk is also noticed within a second).",
    ]
    return lines
