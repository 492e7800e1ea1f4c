"""The reporter interface every output format implements."""

from __future__ import annotations

from typing import Protocol

from psa_config.diagnostics import Diagnostic


class Reporter(Protocol):
    """Turns diagnostics into the text one output format prints."""

    name: str

    def render(self, diagnostics: list[Diagnostic], *, color: bool) -> str:
        """The whole output for ``diagnostics`` (already sorted), ending in a newline when non-empty."""
        ...
