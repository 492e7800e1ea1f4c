"""The diagnostic record every checker, reporter and editor speaks."""

from __future__ import annotations

import enum
import dataclasses
from dataclasses import dataclass


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, order=False)
class Diagnostic:
    """One problem, located at the most specific key or value to blame.

    ``line`` and ``column`` are 1-based. ``model``, ``preset`` and ``field``
    name where in the file's structure the problem is (``None`` where they
    don't apply); ``field`` is a dotted path inside the preset or model
    section, e.g. ``block_size.n`` or ``mask_ratios.8``.
    """

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    name: str
    message: str
    model: str | None = None
    preset: str | None = None
    field: str | None = None
    fix: str | None = dataclasses.field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def full_message(self) -> str:
        """The message with its suggested fix, as reporters print it."""
        return f"{self.message} (fix: {self.fix})" if self.fix else self.message

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "name": self.name,
            "message": self.full_message(),
            "model": self.model,
            "preset": self.preset,
            "field": self.field,
        }


def sort_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Deterministic order: path, line, column, then code and message."""
    unique = {(d.sort_key, d.severity, d.name): d for d in diagnostics}
    return sorted(unique.values(), key=lambda d: d.sort_key)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)
