"""The runtime's view of a file and where every key and value of it is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from psa_config.diagnostics import Diagnostic

Path = tuple[Any, ...]
"""A position in the data: model name, 'attention_configs', preset name, key, ..."""


class Span(NamedTuple):
    """A 1-based line and column (a named tuple: files have a span per key and value)."""

    line: int
    column: int


@dataclass
class SourceDocument:
    """The runtime's view of the file plus where every key and value is written."""

    path: str
    text: str
    data: Any = None
    """Exactly what the runtime's ``yaml.safe_load`` returns for ``text``."""
    key_spans: dict[Path, Span] = field(default_factory=dict)
    value_spans: dict[Path, Span] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    readable: bool = True
    """False when the runtime cannot load the file (syntax, tag, alias bomb): no data."""

    def key_span(self, path: Path) -> Span:
        """Where the key at ``path`` is written (or its nearest written ancestor)."""
        return self._nearest(path, self.key_spans, self.value_spans)

    def value_span(self, path: Path) -> Span:
        """Where the value at ``path`` is written (or its nearest written ancestor)."""
        return self._nearest(path, self.value_spans, self.key_spans)

    def has_value(self, path: Path) -> bool:
        return path in self.value_spans

    def _nearest(self, path: Path, first: dict[Path, Span], second: dict[Path, Span]) -> Span:
        if path in first:
            return first[path]
        if path in second:
            return second[path]
        while path:
            path = path[:-1]
            if path in self.key_spans:
                return self.key_spans[path]
        return Span(1, 1)
