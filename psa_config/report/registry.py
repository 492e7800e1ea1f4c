"""The registry of output formats, and how the default format and colour are chosen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TextIO

from psa_config.errors import UsageError
from psa_config.report.base import Reporter
from psa_config.report.github import GithubReporter
from psa_config.report.json_report import JsonReporter
from psa_config.report.sarif import SarifReporter
from psa_config.report.text import TextReporter

_REPORTERS: dict[str, Callable[[], Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "github": GithubReporter,
    "sarif": SarifReporter,
}


def available_formats() -> list[str]:
    """Format names in the order ``--format`` lists them."""
    return list(_REPORTERS)


def get_reporter(name: str) -> Reporter:
    """The reporter registered under ``name``; :class:`UsageError` for an unknown name."""
    try:
        factory = _REPORTERS[name]
    except KeyError:
        choices = ", ".join(available_formats())
        raise UsageError(f"unknown output format {name!r} (choose from {choices})") from None
    return factory()


def default_format(environ: Mapping[str, str], stream: TextIO) -> str:
    """``github`` inside GitHub Actions (``GITHUB_ACTIONS=true``), else ``text``."""
    del stream  # the format does not depend on the stream; colour does (see use_color)
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def use_color(environ: Mapping[str, str], stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set and non-empty (https://no-color.org)."""
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
