"""Exceptions the package raises; the CLI maps them to exit codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from psa_config.diagnostics import Diagnostic


class PsaConfigError(Exception):
    """Base class of every error psa-config raises on purpose."""


class UnreadableInputError(PsaConfigError):
    """The input cannot be read at all (missing, a folder, too large, not text). Exit 2."""


class UsageError(PsaConfigError):
    """The command line asks for something impossible. Exit 2."""


class ConfigError(PsaConfigError):
    """The file has errors; ``diagnostics`` holds all of them (warnings too)."""

    def __init__(self, path: str, diagnostics: list[Diagnostic]) -> None:
        self.path = path
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.is_error]
        first = errors[0] if errors else None
        where = f"{first.path}:{first.line}:{first.column}: {first.message}" if first else path
        super().__init__(f"{len(errors)} error(s) in {path}; first: {where}")
