"""``github``: GitHub Actions workflow commands that annotate the changed lines.

See https://docs.github.com/actions/reference/workflow-commands-for-github-actions.
"""

from __future__ import annotations

from psa_config.diagnostics import Diagnostic, Severity

COMMAND: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """Escape a command's message, as @actions/core does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: the message escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_annotation(diagnostic: Diagnostic) -> str:
    """``::error file=F,line=L,col=C,title=CODE name::message``."""
    properties = {
        "file": diagnostic.path,
        "line": str(diagnostic.line),
        "col": str(diagnostic.column),
        "title": f"{diagnostic.code} {diagnostic.name}",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMAND[diagnostic.severity]} {joined}::{escape_data(diagnostic.full_message())}"


class GithubReporter:
    """One annotation per diagnostic, nothing else (GitHub shows them on the diff)."""

    name = "github"

    def render(self, diagnostics: list[Diagnostic], *, color: bool) -> str:
        del color
        return "".join(format_annotation(d) + "\n" for d in diagnostics)
