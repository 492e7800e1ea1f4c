"""``text``: one ``path:line:col: severity CODE name: message`` line per diagnostic, then a summary."""

from __future__ import annotations

from collections import Counter

from psa_config.diagnostics import Diagnostic, Severity

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
SEVERITY_STYLE: dict[Severity, str] = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;36m",
}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{RESET}" if color else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_line(diagnostic: Diagnostic, *, color: bool) -> str:
    """One diagnostic as ``path:line:col: severity CODE name: message``."""
    where = _paint(f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}:", BOLD, color)
    severity = _paint(diagnostic.severity.value, SEVERITY_STYLE[diagnostic.severity], color)
    code = _paint(diagnostic.code, BOLD, color)
    message = " ".join(diagnostic.full_message().splitlines())
    return f"{where} {severity} {code} {diagnostic.name}: {message}"


def summary(diagnostics: list[Diagnostic], *, color: bool) -> str:
    """``Found 2 errors, 1 warning in 1 file.`` or ``No problems found.``"""
    if not diagnostics:
        return "No problems found."
    counts = Counter(d.severity for d in diagnostics)
    parts = [
        _paint(_plural(counts[severity], severity.value), SEVERITY_STYLE[severity], color)
        for severity in Severity
        if counts[severity]
    ]
    files = _plural(len({d.path for d in diagnostics}), "file")
    return f"Found {', '.join(parts)} in {files}."


class TextReporter:
    """Human-readable lines, coloured with plain ANSI codes when ``color`` is true."""

    name = "text"

    def render(self, diagnostics: list[Diagnostic], *, color: bool) -> str:
        lines = [format_line(d, color=color) for d in diagnostics]
        lines.append(summary(diagnostics, color=color))
        return "\n".join(lines) + "\n"
