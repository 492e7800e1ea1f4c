"""Public entry points: load and check files or text. (Interim version: positions land with source.py.)"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from psa_config.diagnostics import Diagnostic, Severity
from psa_config.errors import ConfigError
from psa_config.model import AttentionConfigFile


def check_text(text: str, path: str = "<string>") -> list[Diagnostic]:
    try:
        AttentionConfigFile.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        return [
            Diagnostic(path, 1, 1, Severity.ERROR, "PSA102", "wrong-type", e["msg"]) for e in exc.errors()
        ]
    return []


def check(path: str | Path) -> list[Diagnostic]:
    return check_text(Path(path).read_text(encoding="utf-8"), str(path))


def load_text(text: str, path: str = "<string>") -> AttentionConfigFile:
    diagnostics = check_text(text, path)
    if any(d.is_error for d in diagnostics):
        raise ConfigError(path, diagnostics)
    return AttentionConfigFile.model_validate(yaml.safe_load(text))


def load(path: str | Path) -> AttentionConfigFile:
    return load_text(Path(path).read_text(encoding="utf-8"), str(path))
