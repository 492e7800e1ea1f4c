"""psa-config: write, check and try out Pyramid Sparse Attention presets.

Public API::

    psa_config.load(path) -> AttentionConfigFile      # raises ConfigError with diagnostics
    psa_config.load_text(text, path="<string>")
    psa_config.check(path) -> list[Diagnostic]
    psa_config.check_text(text, path="<string>") -> list[Diagnostic]
    psa_config.runtime_params(path, model, preset, video) -> dict   # as the runtime builds it, errors or not

Names are imported on first use, so that ``psa-config check`` never pays for
pydantic's model classes (the checker validates with their compiled schema).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "check": "psa_config.api",
    "check_text": "psa_config.api",
    "load": "psa_config.api",
    "load_text": "psa_config.api",
    "runtime_params": "psa_config.api",
    "runtime_params_text": "psa_config.api",
    "RuntimeLoadError": "psa_config.runtime",
    "Diagnostic": "psa_config.diagnostics",
    "Severity": "psa_config.diagnostics",
    "ConfigError": "psa_config.errors",
    "PsaConfigError": "psa_config.errors",
    "UnreadableInputError": "psa_config.errors",
    "UsageError": "psa_config.errors",
    "AttentionConfigFile": "psa_config.model",
    "DensePreset": "psa_config.model",
    "ModelSection": "psa_config.model",
    "PsaPreset": "psa_config.model",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from psa_config.api import check, check_text, load, load_text, runtime_params, runtime_params_text
    from psa_config.runtime import RuntimeLoadError
    from psa_config.diagnostics import Diagnostic, Severity
    from psa_config.errors import ConfigError, PsaConfigError, UnreadableInputError, UsageError
    from psa_config.model import AttentionConfigFile, DensePreset, ModelSection, PsaPreset


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'psa_config' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
