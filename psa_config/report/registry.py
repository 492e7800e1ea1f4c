"""The registry of output formats, and how the default format and colour are chosen."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TextIO

from psa_config.errors import UsageError
from psa_config.report.base import Reporter

_REPORTERS: dict[str, tuple[str, str]] = {
    "text": ("psa_config.report.text", "TextReporter"),
    "json": ("psa_config.report.json_report", "JsonReporter"),
    "github": ("psa_config.report.github", "GithubReporter"),
    "sarif": ("psa_config.report.sarif", "SarifReporter"),
}
"""Format name -> (module, class). Only the chosen reporter is imported: check's start-up is the product."""


def available_formats() -> list[str]:
    """Format names in the order ``--format`` lists them."""
    return list(_REPORTERS)


def get_reporter(name: str) -> Reporter:
    """The reporter registered under ``name``; :class:`UsageError` for an unknown name."""
    try:
        module, cls = _REPORTERS[name]
    except KeyError:
        choices = ", ".join(available_formats())
        raise UsageError(f"unknown output format {name!r} (choose from {choices})") from None
    reporter: Reporter = getattr(importlib.import_module(module), cls)()
    return reporter


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
