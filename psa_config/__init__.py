"""psa-config: write, check and try out Pyramid Sparse Attention presets.

Public API::

    psa_config.load(path) -> AttentionConfigFile      # raises ConfigError with diagnostics
    psa_config.load_text(text, path="<string>")
    psa_config.check(path) -> list[Diagnostic]
    psa_config.check_text(text, path="<string>") -> list[Diagnostic]
"""

from __future__ import annotations

from psa_config.api import check, check_text, load, load_text
from psa_config.diagnostics import Diagnostic, Severity
from psa_config.errors import ConfigError, PsaConfigError, UnreadableInputError, UsageError
from psa_config.model import AttentionConfigFile, DensePreset, ModelSection, PsaPreset

__all__ = [
    "AttentionConfigFile",
    "ConfigError",
    "DensePreset",
    "Diagnostic",
    "ModelSection",
    "PsaConfigError",
    "PsaPreset",
    "Severity",
    "UnreadableInputError",
    "UsageError",
    "check",
    "check_text",
    "load",
    "load_text",
]
