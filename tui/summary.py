"""Read-only pages of the form: a model's geometry and a dense preset."""

from __future__ import annotations

from typing import Any

from psa_tui.session import Session


def model_lines(session: Session, model: str) -> list[str]:
    section = session.section(model)
    scale = section.get("video_scale") if isinstance(section.get("video_scale"), dict) else {}
    divisors = ", ".join(f"{key} {value}" for key, value in scale.items()) or "missing"
    diagnostics = session.diagnostics_for(model)
    errors = sum(d.is_error for d in diagnostics)
    return [
        f"default_attention  {section.get('default_attention', '(missing)')}",
        f"video_scale        {divisors}",
        f"text_length        {section.get('text_length', '(missing)')}",
        f"presets            {', '.join(session.presets(model)) or 'none'}",
        f"diagnostics        {errors} error(s), {len(diagnostics) - errors} warning(s)",
        "",
        "n: new preset in this model (select a preset for c/r/x/d)",
    ]


def dense_lines(preset: dict[str, Any]) -> list[str]:
    return [
        f"type         {preset.get('type', '(missing)')}",
        f"description  {preset.get('description', '')}",
        "",
        "A dense preset is full attention: it has no other fields.",
    ]
